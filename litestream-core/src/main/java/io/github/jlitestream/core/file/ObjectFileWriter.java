package io.github.jlitestream.core.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import io.github.jlitestream.core.ObjectContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the objects of a {@link FileReplicaClient}: each to a temporary file of its own,
 * forced to disk and then linked under its name only if that name is free, with the
 * directories the name needs forced too.
 */
final class ObjectFileWriter {

	// The messages keep the logger they always had.
	private static final Logger logger = LoggerFactory.getLogger(FileReplicaClient.class);

	private static final SecureRandom random = new SecureRandom();

	private static final String CREATED_AT_ATTRIBUTE = FileReplicaClient.CREATED_AT_ATTRIBUTE;

	private final Path root;

	/**
	 * The replica's location, for messages; asked each time, since a directory's URI ends
	 * with a slash only once it exists.
	 */
	private final Supplier<String> location;

	private final FileReplicaClient.DirectorySync directorySync;

	/**
	 * Cleared once the file system refused a hard link: every later write uses the move
	 * instead.
	 */
	private volatile boolean hardLinks = true;

	ObjectFileWriter(Path root, Supplier<String> location, FileReplicaClient.DirectorySync directorySync) {
		this.root = root;
		this.location = location;
		this.directorySync = directorySync;
	}

	/**
	 * Creates the object {@code key}: the content goes to a temporary file of this write
	 * alone, forced to disk, which then becomes the object only if no object of that name
	 * exists.
	 */
	Instant write(String key, ObjectContent content) throws IOException {
		Path target = this.root.resolve(key);
		Path dir = target.getParent();
		List<Path> created = createDirectories(dir);
		Path tmp = writeTemporary(target, content, Instant.now());
		try {
			createFrom(tmp, target, key);
		}
		catch (IOException | RuntimeException ex) {
			deleteAfterFailure(tmp, ex);
			throw ex;
		}
		// The new name survives a power loss only once the directory holding it is on
		// disk, and a directory this write created only once its parent is, up to the
		// first directory that existed.
		this.directorySync.force(dir);
		for (Path createdDir : created) {
			this.directorySync.force(createdDir.getParent());
		}
		return Files.getLastModifiedTime(target).toInstant();
	}

	/**
	 * Replaces the object {@code key} (which compaction rewrites) in one rename, so that
	 * a reader opens either the old content or the new, never a part. The new file keeps
	 * {@code createdAt} as its modification time and recorded creation time: the time of
	 * the content it stands for, which a restore to a point in time (this project's and
	 * Litestream's, which reads modification times) compares with its target.
	 */
	Instant replace(String key, ObjectContent content, Instant createdAt) throws IOException {
		Path target = this.root.resolve(key);
		Path tmp = writeTemporary(target, content, createdAt);
		try {
			Files.setLastModifiedTime(tmp, FileTime.from(createdAt));
			Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException | RuntimeException ex) {
			deleteAfterFailure(tmp, ex);
			throw ex;
		}
		this.directorySync.force(target.getParent());
		return createdAt;
	}

	/**
	 * Writes {@code content} to a temporary file of this write alone beside
	 * {@code target} (two writers of the same key, in one process or two, never share
	 * one), records {@code createdAt} with it and forces it to disk; deletes it when that
	 * fails.
	 */
	private static Path writeTemporary(Path target, ObjectContent content, Instant createdAt) throws IOException {
		Path tmp = target.resolveSibling("%s.%016x.tmp".formatted(target.getFileName(), random.nextLong()));
		try (InputStream in = content.open();
				FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
				OutputStream out = Channels.newOutputStream(channel)) {
			long copied = in.transferTo(out);
			if (copied != content.length()) {
				throw new IOException(
						"Object content for " + target + " had " + copied + " bytes, expected " + content.length());
			}
			recordCreatedAt(tmp, createdAt);
			channel.force(true);
		}
		catch (IOException | RuntimeException ex) {
			deleteAfterFailure(tmp, ex);
			throw ex;
		}
		return tmp;
	}

	private static void deleteAfterFailure(Path tmp, Exception failure) {
		try {
			Files.deleteIfExists(tmp);
		}
		catch (IOException cleanup) {
			failure.addSuppressed(cleanup);
		}
	}

	/**
	 * Gives the content of {@code tmp} the name {@code target} if that name is free, and
	 * removes {@code tmp}.
	 * @throws FileAlreadyExistsException when the target exists; it is left as it was
	 */
	private void createFrom(Path tmp, Path target, String key) throws IOException {
		if (this.hardLinks) {
			try {
				// link(2) creates the name atomically or fails when it exists: no window
				// for another writer.
				Files.createLink(target, tmp);
				try {
					Files.delete(tmp);
				}
				catch (IOException ex) {
					// The object is complete; a stray temporary file is never listed as
					// an object.
					logger.warn("Cannot delete temporary file location={} file={}: {}", this.location.get(), tmp,
							ex.toString());
				}
				return;
			}
			catch (FileAlreadyExistsException ex) {
				throw alreadyExists(target, key, ex);
			}
			catch (UnsupportedOperationException ex) {
				linksUnsupported(ex);
			}
			catch (FileSystemException ex) {
				if (!isUnsupported(ex)) {
					throw ex;
				}
				linksUnsupported(ex);
			}
		}
		try {
			// Check-then-act: without REPLACE_EXISTING the move fails when the target
			// exists, but the check and the rename are two steps, so a writer of the same
			// key in between would be replaced. Only used where the file system has no
			// hard links.
			Files.move(tmp, target);
		}
		catch (FileAlreadyExistsException ex) {
			throw alreadyExists(target, key, ex);
		}
	}

	private void linksUnsupported(Exception ex) {
		if (this.hardLinks) {
			this.hardLinks = false;
			logger.warn(
					"The file system of replica location={} has no hard links ({}); objects are created with a "
							+ "move that cannot rule out a concurrent writer of the same name",
					this.location.get(), ex.toString());
		}
	}

	private FileAlreadyExistsException alreadyExists(Path target, String key, FileAlreadyExistsException cause) {
		FileAlreadyExistsException ex = new FileAlreadyExistsException(target.toString(), null, "object '" + key
				+ "' exists already in replica " + this.location.get() + ", and replica objects are never replaced");
		ex.initCause(cause);
		return ex;
	}

	/**
	 * Whether the file system refused a hard link because it has none (FAT, some network
	 * and FUSE mounts).
	 */
	private static boolean isUnsupported(FileSystemException ex) {
		if (ex instanceof AccessDeniedException || ex instanceof NoSuchFileException) {
			return false;
		}
		String reason = (ex.getReason() != null) ? ex.getReason().toLowerCase(Locale.ROOT) : "";
		// EPERM, EOPNOTSUPP/ENOTSUP and ENOSYS on POSIX systems; ERROR_NOT_SUPPORTED and
		// ERROR_INVALID_FUNCTION on Windows.
		return reason.contains("not permitted") || reason.contains("not supported")
				|| reason.contains("not implemented") || reason.contains("incorrect function");
	}

	/**
	 * Creates {@code dir} and its missing parents; returns the directories that were
	 * missing, deepest first.
	 */
	private static List<Path> createDirectories(Path dir) throws IOException {
		List<Path> missing = new ArrayList<>();
		for (Path candidate = dir; candidate != null
				&& !Files.isDirectory(candidate); candidate = candidate.getParent()) {
			missing.add(candidate);
		}
		if (!missing.isEmpty()) {
			Files.createDirectories(dir);
		}
		return missing;
	}

	/**
	 * Records when the write started in a user extended attribute of the file: a
	 * modification time says less on a file system that keeps whole seconds, and which of
	 * two generations written within one such second is the newest depends on it. Where
	 * extended attributes are not supported nothing is recorded.
	 */
	private static void recordCreatedAt(Path file, Instant startedAt) {
		UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
		if (view == null) {
			return;
		}
		try {
			view.write(CREATED_AT_ATTRIBUTE, StandardCharsets.US_ASCII.encode(startedAt.toString()));
		}
		catch (IOException | UnsupportedOperationException ex) {
			logger.trace("No creation time recorded for {}: {}", file, ex.getMessage());
		}
	}

}
