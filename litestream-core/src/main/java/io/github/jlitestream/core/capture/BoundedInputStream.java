package io.github.jlitestream.core.capture;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads at most a given number of bytes of another stream, and fails if that stream ends
 * sooner.
 */
final class BoundedInputStream extends FilterInputStream {

	private long remaining;

	BoundedInputStream(InputStream in, long length) {
		super(in);
		this.remaining = length;
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		return (read(one, 0, 1) == -1) ? -1 : (one[0] & 0xff);
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		if (this.remaining <= 0) {
			return -1;
		}
		int n = this.in.read(b, off, (int) Math.min(len, this.remaining));
		if (n < 0) {
			throw new IOException("stream ended " + this.remaining + " bytes early");
		}
		this.remaining -= n;
		return n;
	}

	@Override
	public long skip(long n) throws IOException {
		long skipped = this.in.skip(Math.min(n, this.remaining));
		this.remaining -= skipped;
		return skipped;
	}

}
