package io.github.jlitestream.core.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.jlitestream.core.LeaseConflictException;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.StoredLease;
import io.github.jlitestream.core.util.LocalFiles;

/**
 * The lease object of a {@link FileReplicaClient}: {@code lease} in the replica's
 * directory, with the semantics of S3's conditional writes. It is created as every object
 * is (a hard link that fails when the name exists), and replaced or deleted only after
 * its content was compared with the version the caller read, under an OS lock of
 * {@code lease.lock} that every process writing the lease takes; a replacement is a
 * forced temporary file renamed over it, so a reader sees the old version or the new one.
 * The version is a digest of the content.
 */
final class LeaseFile {

	static final String NAME = "lease";

	/**
	 * One monitor per lock file in this JVM: a POSIX lock belongs to the process, and
	 * closing any descriptor of the file drops it, so the file is opened by one thread of
	 * the JVM at a time.
	 */
	private static final Map<Path, Object> monitors = new ConcurrentHashMap<>();

	private final Path file;

	private final Path lockFile;

	private final Supplier<String> location;

	private final ObjectFileWriter writer;

	LeaseFile(Path root, Supplier<String> location, ObjectFileWriter writer) {
		this.file = root.resolve(NAME);
		this.lockFile = root.resolve(NAME + ".lock");
		this.location = location;
		this.writer = writer;
	}

	Optional<StoredLease> read() throws IOException {
		try {
			byte[] content = Files.readAllBytes(this.file);
			return Optional.of(new StoredLease(content, version(content)));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
	}

	StoredLease create(byte[] content) throws IOException {
		this.writer.write(NAME, ObjectContent.of(content));
		return new StoredLease(content, version(content));
	}

	StoredLease replace(StoredLease current, byte[] content) throws IOException {
		return locked(() -> {
			requireCurrent(current);
			Path tmp = this.file.resolveSibling(NAME + ".tmp");
			Files.write(tmp, content);
			LocalFiles.force(tmp);
			Files.move(tmp, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			LocalFiles.forceDirectory(this.file.getParent());
			return new StoredLease(content, version(content));
		});
	}

	private void requireCurrent(StoredLease expected) throws IOException {
		Optional<StoredLease> stored = read();
		if (stored.isEmpty()) {
			throw new LeaseConflictException("The lease object of replica " + this.location.get()
					+ " was deleted since version " + expected.version() + " was read");
		}
		if (!stored.get().version().equals(expected.version())
				|| !Arrays.equals(stored.get().content(), expected.content())) {
			throw new LeaseConflictException("The lease object of replica " + this.location.get() + " is at version "
					+ stored.get().version() + ", not " + expected.version());
		}
	}

	private <T> T locked(LockedCall<T> call) throws IOException {
		Path key = this.lockFile.toAbsolutePath().normalize();
		synchronized (monitors.computeIfAbsent(key, (path) -> new Object())) {
			Files.createDirectories(key.getParent());
			try (FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
					FileLock lock = channel.lock()) {
				return call.run();
			}
		}
	}

	private static String version(byte[] content) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
			return HexFormat.of().formatHex(digest, 0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	@FunctionalInterface
	private interface LockedCall<T> {

		T run() throws IOException;

	}

}
