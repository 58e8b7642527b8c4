package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.jlitestream.core.LitestreamException;

/**
 * One read handle per database file (per inode) for the life of the process. Closing any
 * descriptor of a file drops every POSIX lock the process holds on it, SQLite's included,
 * so the engine opens the database file once and never closes it. A
 * {@link RandomAccessFile} rather than a {@code FileChannel}: an interrupted thread
 * closes a channel, which would drop the locks just the same.
 */
final class DatabaseFiles {

	private static final Map<Object, Handle> HANDLES = new ConcurrentHashMap<>();

	private DatabaseFiles() {
	}

	/**
	 * Refuses a path the engine cannot replicate: its directory is missing, it is not a
	 * regular file, or, when the engine opens it again after it was deleted or replaced,
	 * no file is there (the engine never creates it then).
	 */
	static void requireReplicable(Path path, boolean reopening) {
		if (!Files.isDirectory(path.getParent())) {
			throw new LitestreamException(
					"Cannot replicate " + path + ": directory " + path.getParent() + " does not exist");
		}
		if (reopening && !Files.exists(path)) {
			throw new LitestreamException("Cannot replicate " + path + ": the database file was deleted; "
					+ "replication resumes when a database exists at that path again (connections the application "
					+ "still holds write to the deleted file, which no replica receives)");
		}
		if (Files.exists(path) && !Files.isRegularFile(path)) {
			throw new LitestreamException("Cannot replicate " + path + ": it is not a regular file");
		}
	}

	/**
	 * Returns the identity of the file at {@code path} (device and inode where the
	 * platform has them).
	 */
	static Object fileKey(Path path) throws IOException {
		BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
		Object key = attributes.fileKey();
		return (key != null) ? key : path.toRealPath();
	}

	/** Returns the process-wide read handle of the database file at {@code path}. */
	static Handle open(Path path) throws IOException {
		Object key = fileKey(path);
		synchronized (HANDLES) {
			Handle handle = HANDLES.get(key);
			if (handle == null) {
				handle = new Handle(new RandomAccessFile(path.toFile(), "r"));
				HANDLES.put(key, handle);
			}
			return handle;
		}
	}

	/** Positional reads on the shared descriptor. */
	static final class Handle {

		private final RandomAccessFile file;

		private Handle(RandomAccessFile file) {
			this.file = file;
		}

		synchronized long size() throws IOException {
			return this.file.length();
		}

		/**
		 * Reads up to {@code length} bytes at {@code position}; fewer only at the end of
		 * the file.
		 */
		synchronized int read(long position, byte[] buffer, int offset, int length) throws IOException {
			this.file.seek(position);
			int total = 0;
			while (total < length) {
				int n = this.file.read(buffer, offset + total, length - total);
				if (n < 0) {
					break;
				}
				total += n;
			}
			return total;
		}

	}

}
