package io.github.jlitestream.s3;

import java.io.IOException;

import org.jspecify.annotations.Nullable;

/**
 * An S3 request that failed, after the SDK's retries. The message names the operation,
 * bucket and key (or listing prefix), and what the store answered; it never holds
 * credentials.
 *
 * @since 0.1.0
 */
public class S3OperationException extends IOException {

	private static final long serialVersionUID = 1L;

	private final String operation;

	private final String bucket;

	private final @Nullable String key;

	private final int statusCode;

	private final @Nullable String errorCode;

	public S3OperationException(String message, String operation, String bucket, @Nullable String key, int statusCode,
			@Nullable String errorCode, @Nullable Throwable cause) {
		super(message, cause);
		this.operation = operation;
		this.bucket = bucket;
		this.key = key;
		this.statusCode = statusCode;
		this.errorCode = errorCode;
	}

	/** The S3 operation, such as {@code PutObject}. */
	public String operation() {
		return this.operation;
	}

	/** The bucket. */
	public String bucket() {
		return this.bucket;
	}

	/** The object key or listing prefix, if the operation had one. */
	public @Nullable String key() {
		return this.key;
	}

	/** The HTTP status the store answered, or 0 when no response was received. */
	public int statusCode() {
		return this.statusCode;
	}

	/** The S3 error code, such as {@code NoSuchBucket}, when the store sent one. */
	public @Nullable String errorCode() {
		return this.errorCode;
	}

}
