package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.io.InputStream;

import io.github.jlitestream.core.ObjectContent;

/**
 * Streams the database file from byte 0 to the size it had when the stream was opened,
 * through the process-wide handle (see {@link DatabaseFiles}). Closing it leaves the
 * handle open.
 */
final class DatabaseFileInputStream extends InputStream {

	private final DatabaseFiles.Handle handle;

	private final long size;

	private long position;

	private DatabaseFileInputStream(DatabaseFiles.Handle handle, long size) {
		this.handle = handle;
		this.size = size;
	}

	/**
	 * The database file as content of the size it has now, read again from byte 0 at each
	 * open: for a file that a snapshot's freeze holds still.
	 */
	static ObjectContent content(DatabaseFiles.Handle handle) throws IOException {
		long size = handle.size();
		return new ObjectContent() {
			@Override
			public long length() {
				return size;
			}

			@Override
			public InputStream open() {
				return new DatabaseFileInputStream(handle, size);
			}
		};
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		return (read(one, 0, 1) == -1) ? -1 : (one[0] & 0xff);
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		if (this.position >= this.size) {
			return -1;
		}
		int n = this.handle.read(this.position, b, off, (int) Math.min(len, this.size - this.position));
		if (n <= 0) {
			// the file shrank under a checkpoint; the WAL replay restores those pages
			return -1;
		}
		this.position += n;
		return n;
	}

}
