package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One read handle per database file (per inode) for the life of the process. Closing any descriptor of a file drops
 * every POSIX lock the process holds on it, SQLite's included, so the engine opens the database file once and never
 * closes it. A {@link RandomAccessFile} rather than a {@code FileChannel}: an interrupted thread closes a channel,
 * which would drop the locks just the same.
 */
final class DatabaseFiles {

	private static final Map<Object, Handle> HANDLES = new ConcurrentHashMap<>();

	private DatabaseFiles() {
	}

	/** Returns the identity of the file at {@code path} (device and inode where the platform has them). */
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

		/** Reads up to {@code length} bytes at {@code position}; fewer only at the end of the file. */
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
