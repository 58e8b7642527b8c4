package io.github.jlitestream.s3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.github.jlitestream.core.ConditionalWritesIgnoredException;
import io.github.jlitestream.core.LeaseConflictException;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.StoredLease;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Error;

/**
 * The requests a replica makes of its bucket, by full key: conditional uploads dated with
 * the exact creation time, reads, listings page by page and batched deletes, each failure
 * an {@link S3OperationException} naming the operation, bucket and key.
 * {@link S3ReplicaClient} maps the replica's layout onto them.
 */
final class S3Bucket {

	// The messages keep the logger they always had.
	private static final Logger logger = LoggerFactory.getLogger(S3ReplicaClient.class);

	private static final SecureRandom random = new SecureRandom();

	private static final String CONTENT_TYPE = "application/octet-stream";

	/**
	 * The one form of {@link S3ReplicaClient#CREATED_AT_METADATA}: UTC, fixed width,
	 * nanoseconds.
	 */
	private static final DateTimeFormatter CREATED_AT_FORMAT = DateTimeFormatter
		.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
		.withZone(ZoneOffset.UTC)
		.withResolverStyle(ResolverStyle.STRICT);

	private final S3Client s3;

	private final String bucket;

	/** The replica's location, for messages. */
	private final String location;

	private final int listPageSize;

	private final int deleteBatchSize;

	private final Clock clock;

	S3Bucket(S3Client s3, String bucket, String location, S3ReplicaClient.Options options) {
		this.s3 = s3;
		this.bucket = bucket;
		this.location = location;
		this.listPageSize = options.listPageSize();
		this.deleteBatchSize = options.deleteBatchSize();
		this.clock = options.clock();
	}

	Instant put(String key, ObjectContent content) throws IOException {
		long length = content.length();
		if (length < 0 || length > S3ReplicaClient.MAX_OBJECT_SIZE) {
			throw new S3OperationException(
					"S3 PutObject refused for bucket '%s' key '%s': %d bytes is outside 0 to %d".formatted(this.bucket,
							key, length, S3ReplicaClient.MAX_OBJECT_SIZE),
					"PutObject", this.bucket, key, 0, null, null);
		}
		Instant createdAt = this.clock.instant();
		try (ObjectContentProvider provider = new ObjectContentProvider(content, "s3://" + this.bucket + "/" + key)) {
			// If-None-Match: * makes the store refuse the upload when the key exists: a
			// timed-out PUT that the store completes late can then never replace the
			// longer segment a retry wrote under the same key since.
			S3Exceptions.create(this.bucket, key, this.location,
					() -> this.s3.putObject(
							(request) -> request.bucket(this.bucket)
								.key(key)
								.ifNoneMatch("*")
								.contentLength(length)
								.contentType(CONTENT_TYPE)
								.metadata(Map.of(S3ReplicaClient.CREATED_AT_METADATA,
										CREATED_AT_FORMAT.format(createdAt))),
							RequestBody.fromContentProvider(provider, length, CONTENT_TYPE)));
		}
		logger.debug("Uploaded object location={} key={} bytes={}", this.location, key, length);
		return createdAt;
	}

	/**
	 * Overwrites the object {@code key} (an S3 PUT replaces it at once: a GET returns the
	 * old object or the new one), recording {@code createdAt} as its exact creation time.
	 */
	void replace(String key, ObjectContent content, Instant createdAt) throws IOException {
		long length = content.length();
		try (ObjectContentProvider provider = new ObjectContentProvider(content, "s3://" + this.bucket + "/" + key)) {
			S3Exceptions.call("PutObject", this.bucket, key,
					() -> this.s3.putObject(
							(request) -> request.bucket(this.bucket)
								.key(key)
								.contentLength(length)
								.contentType(CONTENT_TYPE)
								.metadata(Map.of(S3ReplicaClient.CREATED_AT_METADATA,
										CREATED_AT_FORMAT.format(createdAt))),
							RequestBody.fromContentProvider(provider, length, CONTENT_TYPE)));
		}
		logger.debug("Replaced object location={} key={} bytes={}", this.location, key, length);
	}

	InputStream get(String key) throws IOException {
		ResponseInputStream<GetObjectResponse> response = S3Exceptions.call("GetObject", this.bucket, key,
				() -> this.s3.getObject((request) -> request.bucket(this.bucket).key(key)));
		return new S3ObjectInputStream(response, this.bucket, key);
	}

	Optional<Instant> createdAt(String key) throws IOException {
		HeadObjectResponse response = S3Exceptions.call("HeadObject", this.bucket, key,
				() -> this.s3.headObject((request) -> request.bucket(this.bucket).key(key)));
		@Nullable String value = null;
		for (Map.Entry<String, String> entry : response.metadata().entrySet()) {
			if (S3ReplicaClient.CREATED_AT_METADATA.equalsIgnoreCase(entry.getKey())) {
				value = entry.getValue();
			}
		}
		if (value == null) {
			return Optional.empty();
		}
		try {
			return Optional.of(Instant.from(CREATED_AT_FORMAT.parse(value)));
		}
		catch (DateTimeParseException ex) {
			// Not what this client writes: as good as no time, which leaves the object
			// out at the boundary.
			logger.warn("Ignoring unreadable {} '{}' of s3://{}/{}", S3ReplicaClient.CREATED_AT_METADATA, value,
					this.bucket, key);
			return Optional.empty();
		}
	}

	/**
	 * Reads a small object whole, with its ETag.
	 * @return the object, or empty when there is none
	 */
	Optional<StoredLease> readVersioned(String key) throws IOException {
		try (ResponseInputStream<GetObjectResponse> response = S3Exceptions.call("GetObject", this.bucket, key,
				() -> this.s3.getObject((request) -> request.bucket(this.bucket).key(key)))) {
			byte[] content = response.readAllBytes();
			return Optional.of(new StoredLease(content, response.response().eTag()));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Creates a small object if the key is free ({@code If-None-Match: *}).
	 * @throws java.nio.file.FileAlreadyExistsException when it exists
	 */
	StoredLease createVersioned(String key, byte[] content) throws IOException {
		PutObjectResponse response = S3Exceptions.create(this.bucket, key, this.location,
				() -> this.s3.putObject(
						(request) -> request.bucket(this.bucket).key(key).ifNoneMatch("*").contentType(CONTENT_TYPE),
						RequestBody.fromBytes(content)));
		return new StoredLease(content, response.eTag());
	}

	/**
	 * Replaces a small object if it is still at {@code current}'s ETag
	 * ({@code If-Match}).
	 * @throws LeaseConflictException when it changed or is gone
	 */
	StoredLease replaceVersioned(String key, StoredLease current, byte[] content) throws IOException {
		try {
			PutObjectResponse response = S3Exceptions.call("PutObject", this.bucket, key,
					() -> this.s3.putObject((request) -> request.bucket(this.bucket)
						.key(key)
						.ifMatch(current.version())
						.contentType(CONTENT_TYPE), RequestBody.fromBytes(content)));
			return new StoredLease(content, response.eTag());
		}
		catch (S3OperationException ex) {
			throw conflictOr(ex, key, current);
		}
	}

	/**
	 * Creates a probe object (the key {@code prefix} and a random suffix) twice with
	 * {@code If-None-Match: *}: the second create must be refused. The probe is deleted
	 * either way.
	 * @throws ConditionalWritesIgnoredException when the store accepted the second create
	 */
	void checkConditionalCreate(String prefix) throws IOException {
		byte[] suffix = new byte[8];
		random.nextBytes(suffix);
		String probe = prefix + HexFormat.of().formatHex(suffix);
		byte[] content = "conditional write check\n".getBytes(StandardCharsets.US_ASCII);
		try {
			createVersioned(probe, content);
			try {
				createVersioned(probe, content);
			}
			catch (FileAlreadyExistsException expected) {
				return;
			}
			throw new ConditionalWritesIgnoredException("The store of replica " + this.location
					+ " ignores conditional writes: a second PutObject of s3://" + this.bucket + "/" + probe
					+ " with If-None-Match: * succeeded instead of failing with HTTP 412. A second instance could then "
					+ "write the replica at the same time and corrupt it. Use a store that enforces conditional "
					+ "writes (AWS S3 does, and S3Proxy), or turn the lease off for this "
					+ "replica (lease-ttl 0) if you make sure yourself that only one instance ever writes it");
		}
		finally {
			deleteOne(probe);
		}
	}

	/** Deletes one object, whatever its version. */
	void deleteOne(String key) throws IOException {
		S3Exceptions.call("DeleteObject", this.bucket, key,
				() -> this.s3.deleteObject((request) -> request.bucket(this.bucket).key(key)));
	}

	private IOException conflictOr(S3OperationException ex, String key, StoredLease current) {
		if (ex.statusCode() == 412 || ex.statusCode() == 404) {
			return new LeaseConflictException("s3://" + this.bucket + "/" + key + " is no longer at ETag "
					+ current.version() + " (HTTP " + ex.statusCode() + "): another instance changed it", ex);
		}
		return ex;
	}

	void list(String dir, boolean delimited, Consumer<ListObjectsV2Response> pages) throws IOException {
		@Nullable String token = null;
		do {
			ListObjectsV2Request request = ListObjectsV2Request.builder()
				.bucket(this.bucket)
				.prefix(dir)
				.delimiter(delimited ? "/" : null)
				.maxKeys(this.listPageSize)
				.continuationToken(token)
				.build();
			ListObjectsV2Response page = S3Exceptions.call("ListObjectsV2", this.bucket, dir,
					() -> this.s3.listObjectsV2(request));
			pages.accept(page);
			token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
			if (Boolean.TRUE.equals(page.isTruncated()) && token == null) {
				String message = "S3 ListObjectsV2 failed for bucket '%s' key '%s': truncated page without a token"
					.formatted(this.bucket, dir);
				throw new S3OperationException(message, "ListObjectsV2", this.bucket, dir, 0, null, null);
			}
		}
		while (token != null);
	}

	void delete(List<String> keys) throws IOException {
		int batchSize = this.deleteBatchSize;
		for (int from = 0; from < keys.size(); from += batchSize) {
			List<String> batch = keys.subList(from, Math.min(keys.size(), from + batchSize));
			List<ObjectIdentifier> objects = batch.stream()
				.map((key) -> ObjectIdentifier.builder().key(key).build())
				.toList();
			Delete delete = Delete.builder().objects(objects).quiet(true).build();
			DeleteObjectsResponse response = S3Exceptions.call("DeleteObjects", this.bucket, batch.get(0),
					() -> this.s3.deleteObjects((request) -> request.bucket(this.bucket).delete(delete)));
			if (response.hasErrors() && !response.errors().isEmpty()) {
				throw deleteErrors(response.errors(), batch.size());
			}
		}
	}

	private S3OperationException deleteErrors(List<S3Error> errors, int batchSize) {
		StringBuilder message = new StringBuilder("S3 DeleteObjects failed for %d of %d keys in bucket '%s'"
			.formatted(errors.size(), batchSize, this.bucket));
		errors.stream()
			.limit(5)
			.forEach((error) -> message.append("; key '")
				.append(error.key())
				.append("': ")
				.append(error.code())
				.append(" (")
				.append(error.message())
				.append(')'));
		if (errors.size() > 5) {
			message.append("; ...");
		}
		S3Error first = errors.get(0);
		return new S3OperationException(message.toString(), "DeleteObjects", this.bucket, first.key(), 0, first.code(),
				null);
	}

}
