package io.github.jlitestream.s3;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.github.jlitestream.core.ObjectContent;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.http.ContentStreamProvider;

/**
 * Streams an {@link ObjectContent} into a request body. Every attempt of the SDK's
 * retries gets a freshly opened stream (the previous one is closed), and each stream
 * fails when the content is shorter or longer than its declared length, so a wrong length
 * can never be stored. Once a stream had the wrong length, the next attempt fails at once
 * with an exception the SDK does not retry: content that changes under its reader is not
 * worth more attempts.
 */
final class ObjectContentProvider implements ContentStreamProvider, AutoCloseable {

	private final ObjectContent content;

	private final long length;

	private final String description;

	private @Nullable InputStream current;

	private volatile @Nullable ContentLengthMismatchException mismatch;

	ObjectContentProvider(ObjectContent content, String description) {
		this.content = content;
		this.length = content.length();
		this.description = description;
	}

	@Override
	public synchronized InputStream newStream() {
		closeCurrent();
		ContentLengthMismatchException previous = this.mismatch;
		if (previous != null) {
			throw new IllegalStateException("Not retrying the upload of " + this.description, previous);
		}
		try {
			this.current = new ExactLengthInputStream(this.content.open(), this.length, this.description);
			return this.current;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open the content of " + this.description, ex);
		}
	}

	@Override
	public String name() {
		return "ObjectContent";
	}

	@Override
	public synchronized void close() {
		closeCurrent();
	}

	private void closeCurrent() {
		InputStream stream = this.current;
		this.current = null;
		if (stream != null) {
			try {
				stream.close();
			}
			catch (IOException ex) {
				// Nothing to do: the stream was only read.
			}
		}
	}

	/**
	 * Passes through exactly {@code length} bytes and fails at the end when the source
	 * had fewer or more.
	 */
	final class ExactLengthInputStream extends FilterInputStream {

		private final long length;

		private final String description;

		private long remaining;

		ExactLengthInputStream(InputStream in, long length, String description) {
			super(in);
			this.length = length;
			this.remaining = length;
			this.description = description;
		}

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			int n = read(one, 0, 1);
			return (n == -1) ? -1 : (one[0] & 0xFF);
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			if (len == 0) {
				return 0;
			}
			if (this.remaining == 0) {
				checkAtEnd();
				return -1;
			}
			int n = this.in.read(b, off, (int) Math.min(len, this.remaining));
			if (n == -1) {
				throw mismatch("The content of %s ended after %d bytes, expected %d".formatted(this.description,
						this.length - this.remaining, this.length));
			}
			this.remaining -= n;
			if (this.remaining == 0) {
				checkAtEnd();
			}
			return n;
		}

		@Override
		public long skip(long n) throws IOException {
			byte[] buffer = new byte[8192];
			long skipped = 0;
			while (skipped < n) {
				int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
				if (read == -1) {
					break;
				}
				skipped += read;
			}
			return skipped;
		}

		@Override
		public int available() throws IOException {
			return (int) Math.min(this.in.available(), this.remaining);
		}

		@Override
		public boolean markSupported() {
			return false;
		}

		@Override
		public synchronized void mark(int readlimit) {
		}

		@Override
		public synchronized void reset() throws IOException {
			throw new IOException("mark/reset not supported");
		}

		private void checkAtEnd() throws IOException {
			if (this.in.read() != -1) {
				throw mismatch("The content of %s is longer than its declared %d bytes".formatted(this.description,
						this.length));
			}
		}

		private ContentLengthMismatchException mismatch(String message) {
			ContentLengthMismatchException ex = new ContentLengthMismatchException(message);
			ObjectContentProvider.this.mismatch = ex;
			return ex;
		}

	}

}
