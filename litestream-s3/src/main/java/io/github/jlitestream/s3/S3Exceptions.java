package io.github.jlitestream.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Translates the SDK's unchecked exceptions into {@link IOException}s whose message says
 * which request failed.
 */
final class S3Exceptions {

	private S3Exceptions() {
	}

	/** Runs one SDK call, translating its failure. */
	static <T> T call(String operation, String bucket, @Nullable String key, SdkCall<T> call) throws IOException {
		try {
			return call.run();
		}
		catch (SdkException ex) {
			throw translate(operation, bucket, key, ex);
		}
		catch (UncheckedIOException | IllegalStateException ex) {
			// Thrown by a request body's content provider, which the SDK lets through
			// unwrapped.
			ContentLengthMismatchException mismatch = findCause(ex, ContentLengthMismatchException.class);
			if (mismatch != null) {
				throw mismatch;
			}
			if (ex instanceof UncheckedIOException unchecked) {
				throw new IOException(unchecked.getMessage(), unchecked.getCause());
			}
			throw ex;
		}
	}

	/**
	 * Runs a conditional PutObject ({@code If-None-Match: *}) of {@code key}, translating
	 * its failure; the store's {@code 412 Precondition Failed} becomes a
	 * {@link FileAlreadyExistsException} naming the key and the replica. A
	 * {@code 409 ConditionalRequestConflict} (another conditional write of the key was in
	 * progress) stays an ordinary {@link S3OperationException}: nothing is known to
	 * exist, and the next attempt may succeed.
	 */
	static <T> T create(String bucket, String key, String location, SdkCall<T> call) throws IOException {
		try {
			return call("PutObject", bucket, key, call);
		}
		catch (S3OperationException ex) {
			if (ex.statusCode() != 412) {
				throw ex;
			}
			String reason = ("object '%s' exists already in replica %s, and replica objects are never replaced "
					+ "(S3 PutObject with If-None-Match: *, %s, HTTP 412, request id %s)")
				.formatted(key, location, (ex.errorCode() != null) ? ex.errorCode() : "no error code", requestId(ex));
			FileAlreadyExistsException exists = new FileAlreadyExistsException("s3://" + bucket + "/" + key, null,
					reason);
			exists.initCause(ex);
			throw exists;
		}
	}

	static IOException translate(String operation, String bucket, @Nullable String key, SdkException ex) {
		ContentLengthMismatchException mismatch = findCause(ex, ContentLengthMismatchException.class);
		if (mismatch != null) {
			return mismatch;
		}
		String target = "bucket '" + bucket + "'" + ((key != null) ? " key '" + key + "'" : "");
		if (ex instanceof AbortedException || findCause(ex, InterruptedException.class) != null) {
			Thread.currentThread().interrupt();
			InterruptedIOException interrupted = new InterruptedIOException(
					"S3 " + operation + " interrupted for " + target);
			interrupted.initCause(ex);
			return interrupted;
		}
		if (ex instanceof AwsServiceException service) {
			AwsErrorDetails details = service.awsErrorDetails();
			String code = (details != null) ? details.errorCode() : null;
			String detail = (details != null && details.errorMessage() != null) ? details.errorMessage()
					: service.getMessage();
			int status = service.statusCode();
			if ("NoSuchKey".equals(code) || (code == null && status == 404
					&& (operation.equals("GetObject") || operation.equals("HeadObject")))) {
				NoSuchFileException missing = new NoSuchFileException("s3://" + bucket + "/" + key, null,
						"no such object (S3 " + operation + ")");
				missing.initCause(ex);
				return missing;
			}
			String reason = switch ((code != null) ? code : "") {
				case "NoSuchBucket" -> "the bucket does not exist";
				case "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken", "InvalidToken" ->
					"access denied, check the credentials, the region and the bucket policy";
				default -> (status == 403) ? "access denied, check the credentials, the region and the bucket policy"
						: "the store answered with an error";
			};
			String message = "S3 %s failed for %s: %s (%s, HTTP %d, request id %s): %s".formatted(operation, target,
					reason, (code != null) ? code : "no error code", status, service.requestId(), detail);
			return new S3OperationException(message, operation, bucket, key, status, code, ex);
		}
		String message = "S3 %s failed for %s: %s".formatted(operation, target, ex.getMessage());
		return new S3OperationException(message, operation, bucket, key, 0, null, ex);
	}

	private static @Nullable String requestId(S3OperationException ex) {
		return (ex.getCause() instanceof AwsServiceException service) ? service.requestId() : null;
	}

	private static <E extends Throwable> @Nullable E findCause(Throwable ex, Class<E> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return null;
	}

	/** An SDK call. */
	@FunctionalInterface
	interface SdkCall<T> {

		T run();

	}

}
