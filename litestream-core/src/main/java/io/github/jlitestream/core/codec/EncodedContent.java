package io.github.jlitestream.core.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import io.github.jlitestream.core.ObjectContent;

/**
 * An object encoded while it is read, from a source that can be read again, for when no
 * disk can spool it ({@link Spool}): the source is encoded once to measure the object,
 * then again on each {@link #open()}. Encoding is deterministic in length (compression is
 * deterministic, encryption adds a fixed overhead per segment), so every read has the
 * length measured; a client checks it as it uploads.
 *
 * @since 0.2.0
 */
public final class EncodedContent implements ObjectContent {

	private final ObjectCodec codec;

	private final String objectKey;

	private final ObjectContent source;

	private final long length;

	private EncodedContent(ObjectCodec codec, String objectKey, ObjectContent source, long length) {
		this.codec = codec;
		this.objectKey = objectKey;
		this.source = source;
		this.length = length;
	}

	/** Encodes {@code source} once, keeping nothing but its encoded length. */
	public static EncodedContent measure(ObjectCodec codec, String objectKey, ObjectContent source) throws IOException {
		Counter counter = new Counter();
		try (InputStream in = source.open(); OutputStream out = codec.encode(counter, objectKey)) {
			in.transferTo(out);
		}
		return new EncodedContent(codec, objectKey, source, counter.count);
	}

	@Override
	public long length() {
		return this.length;
	}

	@Override
	public InputStream open() throws IOException {
		InputStream in = this.source.open();
		try {
			return new Encoding(in, this.codec, this.objectKey);
		}
		catch (IOException | RuntimeException ex) {
			in.close();
			throw ex;
		}
	}

	private static final class Counter extends OutputStream {

		private long count;

		@Override
		public void write(int b) {
			this.count++;
		}

		@Override
		public void write(byte[] b, int off, int len) {
			this.count += len;
		}

	}

	/** Encodes the source a chunk at a time, as its output is read. */
	private static final class Encoding extends InputStream {

		private final InputStream source;

		private final Output encoded = new Output();

		private final OutputStream encoder;

		private final byte[] chunk = new byte[64 * 1024];

		private int readAt;

		private boolean finished;

		Encoding(InputStream source, ObjectCodec codec, String objectKey) throws IOException {
			this.source = source;
			this.encoder = codec.encode(this.encoded, objectKey);
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			return (read(one, 0, 1) == -1) ? -1 : (one[0] & 0xff);
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			if (len == 0) {
				return 0;
			}
			while (this.readAt == this.encoded.size() && !this.finished) {
				this.encoded.reset();
				this.readAt = 0;
				int n = this.source.read(this.chunk);
				if (n < 0) {
					this.encoder.close();
					this.finished = true;
				}
				else {
					this.encoder.write(this.chunk, 0, n);
				}
			}
			int n = Math.min(len, this.encoded.size() - this.readAt);
			if (n == 0) {
				return -1;
			}
			System.arraycopy(this.encoded.bytes(), this.readAt, b, off, n);
			this.readAt += n;
			return n;
		}

		@Override
		public void close() throws IOException {
			this.source.close();
		}

	}

	private static final class Output extends ByteArrayOutputStream {

		byte[] bytes() {
			return this.buf;
		}

	}

}
