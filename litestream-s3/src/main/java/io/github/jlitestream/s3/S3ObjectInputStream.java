package io.github.jlitestream.s3;

import java.io.FilterInputStream;
import java.io.IOException;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The body of a GetObject response: SDK exceptions raised while reading (such as a
 * checksum mismatch) become {@link IOException}s naming the object, and closing it before
 * the end aborts the connection instead of draining the rest of a large object.
 */
final class S3ObjectInputStream extends FilterInputStream {

	private final ResponseInputStream<GetObjectResponse> response;

	private final String bucket;

	private final String key;

	private final long length;

	private long position;

	private boolean atEnd;

	S3ObjectInputStream(ResponseInputStream<GetObjectResponse> response, String bucket, String key) {
		super(response);
		this.response = response;
		this.bucket = bucket;
		this.key = key;
		Long contentLength = response.response().contentLength();
		this.length = (contentLength != null) ? contentLength : -1;
	}

	@Override
	public int read() throws IOException {
		try {
			int b = super.read();
			advance((b == -1) ? -1 : 1);
			return b;
		}
		catch (SdkException ex) {
			throw S3Exceptions.translate("GetObject", this.bucket, this.key, ex);
		}
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		try {
			int n = super.read(b, off, len);
			advance(n);
			return n;
		}
		catch (SdkException ex) {
			throw S3Exceptions.translate("GetObject", this.bucket, this.key, ex);
		}
	}

	@Override
	public long skip(long n) throws IOException {
		try {
			long skipped = super.skip(n);
			advance(skipped);
			return skipped;
		}
		catch (SdkException ex) {
			throw S3Exceptions.translate("GetObject", this.bucket, this.key, ex);
		}
	}

	private void advance(long n) {
		if (n == -1) {
			this.atEnd = true;
		}
		else {
			this.position += n;
			this.atEnd |= (this.length >= 0 && this.position >= this.length);
		}
	}

	@Override
	public void close() throws IOException {
		try {
			if (!this.atEnd) {
				this.response.abort();
			}
			super.close();
		}
		catch (SdkException ex) {
			throw S3Exceptions.translate("GetObject", this.bucket, this.key, ex);
		}
	}

}
