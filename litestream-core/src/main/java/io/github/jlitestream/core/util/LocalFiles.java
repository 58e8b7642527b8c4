package io.github.jlitestream.core.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Durability on the local file system: a file's data is on disk only after it is forced,
 * and a file created, renamed or deleted is only durable once its directory is forced too
 * (after a power loss the new name could otherwise be missing although the engine went on
 * as if it existed).
 *
 * @since 0.2.0
 */
public final class LocalFiles {

	private LocalFiles() {
	}

	/**
	 * Whether {@code failure}, or one of its causes, is a disk refusing a write for lack
	 * of space (ENOSPC, as the JDK reports it on Linux and on Windows).
	 */
	public static boolean isNoSpace(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = String.valueOf(cause.getMessage());
			if (cause instanceof IOException
					&& (message.contains("No space left") || message.contains("not enough space on the disk"))) {
				return true;
			}
		}
		return false;
	}

	/** Forces a file's content and metadata to disk. */
	public static void force(Path file) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
			channel.force(true);
		}
	}

	/**
	 * Forces a directory's entries to disk, so that files created, renamed or deleted in
	 * it stay so after a power loss. Platforms that cannot open a directory (Windows)
	 * make entries durable with the rename itself.
	 */
	public static void forceDirectory(Path dir) throws IOException {
		FileChannel channel;
		try {
			channel = FileChannel.open(dir, StandardOpenOption.READ);
		}
		catch (IOException ex) {
			if (System.getProperty("os.name", "").startsWith("Windows")) {
				return;
			}
			throw ex;
		}
		try (channel) {
			channel.force(true);
		}
	}

	/**
	 * Writes every byte of {@code buffer} at {@code position}: a single write may write
	 * fewer (a full disk, a signal), and a short write left unnoticed would leave a hole
	 * the next write goes past.
	 */
	public static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
		long at = position;
		while (buffer.hasRemaining()) {
			at += channel.write(buffer, at);
		}
	}

	/**
	 * Replaces {@code file} with what {@code content} writes, atomically: a reader (or a
	 * restart after a crash) finds the old content or the new one, never part of it. The
	 * content goes to {@code <file>.tmp} first, which is renamed over the file.
	 * @param durable whether the temporary file is forced before the rename and the
	 * directory after it, so that the new content survives a power loss
	 */
	public static void writeAtomically(Path file, Content content, boolean durable) throws IOException {
		Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
		content.writeTo(tmp);
		if (durable) {
			force(tmp);
		}
		Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		if (durable) {
			forceDirectory(file.getParent());
		}
	}

	/**
	 * Deletes {@code root} and everything below it, children before their directory;
	 * missing paths are skipped.
	 */
	public static void deleteTree(Path root) throws IOException {
		try (Stream<Path> paths = Files.walk(root)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
	}

	/** Writes a file's whole content; see {@link #writeAtomically}. */
	@FunctionalInterface
	public interface Content {

		/** Writes the content into {@code file}, creating or replacing it. */
		void writeTo(Path file) throws IOException;

	}

}
