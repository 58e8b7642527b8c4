package io.github.jlitestream.core.codec;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.xxhash.XXHashFactory;

/**
 * Exactly one LZ4 frame per object, as Litestream v0.3.13 writes them: independent blocks
 * of at most 4 MiB (256 KiB here), a content checksum, no block checksum (its LZ4 library
 * rejects spec-conformant block checksums), no content size; the header is
 * {@code 04 22 4D 18 64 70 B9}. Decoding is strict where v0.3.13 is lenient: a second
 * frame or any byte after the first frame is an error, not silently dropped data.
 *
 * @since 0.1.0
 */
public final class Lz4FrameCodec implements ObjectCodec {

	private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

	private static final XXHashFactory XXHASH = XXHashFactory.fastestInstance();

	@Override
	public OutputStream encode(OutputStream out, String objectKey) throws IOException {
		return new Lz4FrameWriter(out);
	}

	@Override
	public InputStream decode(InputStream in, String objectKey) throws IOException {
		try {
			return new SingleFrameInputStream(in);
		}
		catch (LZ4Exception ex) {
			throw new IOException("not a valid LZ4 frame: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Reads one frame, then insists that the object ends there.
	 */
	private static final class SingleFrameInputStream extends FilterInputStream {

		private final InputStream raw;

		private boolean ended;

		SingleFrameInputStream(InputStream raw) throws IOException {
			super(open(raw));
			this.raw = raw;
		}

		private static InputStream open(InputStream raw) throws IOException {
			try {
				return new LZ4FrameInputStream(raw, LZ4.safeDecompressor(), XXHASH.hash32(), true);
			}
			catch (IOException ex) {
				throw new IOException("not a valid LZ4 frame: " + ex.getMessage(), ex);
			}
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			int n = read(one, 0, 1);
			return (n == -1) ? -1 : (one[0] & 0xff);
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			if (this.ended) {
				return -1;
			}
			int n;
			try {
				n = this.in.read(b, off, len);
			}
			catch (LZ4Exception ex) {
				throw new IOException("malformed LZ4 data: " + ex.getMessage(), ex);
			}
			if (n == -1) {
				this.ended = true;
				if (this.raw.read() != -1) {
					throw new IOException("unexpected data after the LZ4 frame (an object holds exactly one frame)");
				}
			}
			return n;
		}

		@Override
		public long skip(long n) throws IOException {
			return super.skip(n);
		}

	}

}
