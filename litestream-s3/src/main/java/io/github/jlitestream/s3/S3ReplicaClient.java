package io.github.jlitestream.s3;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.StoredLease;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.layout.ReplicaPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A replica in an S3 bucket (or an S3-compatible store) under a key prefix, laid out as
 * Litestream v0.3's S3 replica: {@code <prefix>/generations/<generation>/snapshots/...}
 * and {@code .../wal/...}.
 * <p>
 * Every request goes through the given {@link S3Client}, whose retry strategy retries
 * transient failures (see {@link S3ReplicaClientFactory}). Uploads are single PutObject
 * requests (objects up to {@value #MAX_OBJECT_SIZE} bytes) streamed from
 * {@link ObjectContent#open()}, which is opened again for each attempt, so memory stays
 * bounded. They are conditional ({@code If-None-Match: *}): an object that exists already
 * is never replaced, the store answers {@code 412 Precondition Failed}, and the write
 * fails with a {@link java.nio.file.FileAlreadyExistsException}. That includes an SDK
 * retry of an upload whose first attempt the store completed but whose response was lost;
 * the engine then reads the store again and compares. (A store that answers 412 before it
 * has read a large body and drops the connection, as S3Proxy does, can leave the client
 * with a broken pipe instead: the write then fails as an ordinary
 * {@link S3OperationException}, still replacing nothing.) A store that ignores
 * {@code If-None-Match} replaces objects as before. Failures become {@link IOException}s
 * naming the operation, bucket and key ({@link S3OperationException}); a missing object
 * becomes a {@link java.nio.file.NoSuchFileException}.
 * <p>
 * The {@code createdAt} of a written object is the client's clock when the upload
 * started, as in Litestream; listings report the store's {@code LastModified}, which S3
 * gives to the second. The exact {@code createdAt} is stored with the object as the user
 * metadata {@value #CREATED_AT_METADATA} ({@code x-amz-meta-litestream-created-at}) in
 * UTC with nine fraction digits, such as {@code 2026-12-02T04:34:37.399359157Z}, and read
 * back by {@link #exactCreatedAt(SnapshotInfo)} (HeadObject), so that a point-in-time
 * restore can decide an object listed in the target's second.
 *
 * @since 0.1.0
 */
public final class S3ReplicaClient implements ReplicaClient {

	/** The largest object a single PutObject request can store (5 GiB). */
	public static final long MAX_OBJECT_SIZE = 5L * 1024 * 1024 * 1024;

	/** The most keys a DeleteObjects request may name. */
	public static final int MAX_DELETE_BATCH_SIZE = 1000;

	/**
	 * The user metadata (header {@code x-amz-meta-litestream-created-at}) that holds a
	 * written object's exact {@code createdAt}.
	 */
	public static final String CREATED_AT_METADATA = "litestream-created-at";

	/** How coarse S3's {@code LastModified} is. */
	public static final Duration LISTED_TIME_RESOLUTION = Duration.ofSeconds(1);

	private static final String LEASE = ReplicaPaths.LEASE;

	private static final Logger logger = LoggerFactory.getLogger(S3ReplicaClient.class);

	private final S3Client s3;

	private final S3Bucket store;

	private final String bucket;

	private final String prefix;

	private final Options options;

	/**
	 * Creates a client for the replica at {@code s3://bucket/prefix}.
	 * @param s3 the S3 client; closed by {@link #close()} only when
	 * {@link Options#closeS3Client()} says so
	 * @param bucket the bucket
	 * @param prefix the key prefix, possibly empty; slashes at either end are ignored
	 * @param options tuning options
	 */
	public S3ReplicaClient(S3Client s3, String bucket, String prefix, Options options) {
		this.s3 = Objects.requireNonNull(s3, "'s3' must not be null");
		S3ReplicaUrl url = new S3ReplicaUrl(bucket, prefix);
		this.bucket = url.bucket();
		this.prefix = url.prefix();
		this.options = Objects.requireNonNull(options, "'options' must not be null");
		this.store = new S3Bucket(s3, this.bucket, location(), options);
	}

	/** Creates a client for the replica at {@code url}, with default options. */
	public S3ReplicaClient(S3Client s3, S3ReplicaUrl url) {
		this(s3, url.bucket(), url.prefix(), Options.DEFAULTS);
	}

	/** The bucket. */
	public String bucket() {
		return this.bucket;
	}

	/** The cleaned key prefix, empty when the replica is at the root of the bucket. */
	public String prefix() {
		return this.prefix;
	}

	@Override
	public String type() {
		return "s3";
	}

	@Override
	public String location() {
		return new S3ReplicaUrl(this.bucket, this.prefix).toString();
	}

	@Override
	public List<Generation> generations() throws IOException {
		String dir = S3Keys.directory(this.prefix, ReplicaPaths.GENERATIONS);
		List<Generation> generations = new ArrayList<>();
		this.store.list(dir, true, (page) -> {
			for (CommonPrefix common : page.commonPrefixes()) {
				String name = childName(dir, common.prefix());
				if (name.endsWith("/") && Generation.isValid(name.substring(0, name.length() - 1))) {
					generations.add(new Generation(name.substring(0, name.length() - 1)));
				}
			}
		});
		generations.sort(Comparator.naturalOrder());
		return generations;
	}

	@Override
	public List<SnapshotInfo> snapshots(Generation generation) throws IOException {
		String dir = S3Keys.directory(this.prefix, ReplicaPaths.snapshotsDir(generation));
		List<SnapshotInfo> snapshots = new ArrayList<>();
		this.store.list(dir, true, (page) -> {
			for (S3Object object : page.contents()) {
				String name = childName(dir, object.key());
				OptionalLong index = ReplicaPaths.parseSnapshotName(name);
				if (index.isPresent()) {
					snapshots.add(new SnapshotInfo(generation, index.getAsLong(), size(object), lastModified(object),
							ReplicaPaths.parseCompression(name).orElseThrow()));
				}
			}
		});
		snapshots.sort(Comparator.comparingLong(SnapshotInfo::index));
		return snapshots;
	}

	@Override
	public List<WalSegmentInfo> walSegments(Generation generation) throws IOException {
		String dir = S3Keys.directory(this.prefix, ReplicaPaths.walDir(generation));
		List<WalSegmentInfo> segments = new ArrayList<>();
		this.store.list(dir, true, (page) -> {
			for (S3Object object : page.contents()) {
				ReplicaPaths.parseWalSegmentName(childName(dir, object.key()))
					.ifPresent((name) -> segments.add(new WalSegmentInfo(generation, name.index(), name.offset(),
							size(object), lastModified(object), name.compression())));
			}
		});
		segments.sort(WalSegmentInfo.BY_POSITION);
		return segments;
	}

	@Override
	public SnapshotInfo writeSnapshot(Generation generation, long index, Compression compression, ObjectContent content)
			throws IOException {
		Instant createdAt = this.store.put(key(ReplicaPaths.snapshotKey(generation, index, compression)), content);
		return new SnapshotInfo(generation, index, content.length(), createdAt, compression);
	}

	@Override
	public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content) throws IOException {
		Instant createdAt = this.store.put(key(ReplicaPaths.walSegmentKey(generation, index, offset, compression)),
				content);
		return new WalSegmentInfo(generation, index, offset, content.length(), createdAt, compression);
	}

	@Override
	public WalSegmentInfo replaceWalSegment(Generation generation, long index, long offset, Compression compression,
			ObjectContent content, Instant createdAt) throws IOException {
		this.store.replace(key(ReplicaPaths.walSegmentKey(generation, index, offset, compression)), content, createdAt);
		return new WalSegmentInfo(generation, index, offset, content.length(), createdAt, compression);
	}

	@Override
	public InputStream openSnapshot(Generation generation, long index, Compression compression) throws IOException {
		return this.store.get(key(ReplicaPaths.snapshotKey(generation, index, compression)));
	}

	@Override
	public InputStream openWalSegment(Generation generation, long index, long offset, Compression compression)
			throws IOException {
		return this.store.get(key(ReplicaPaths.walSegmentKey(generation, index, offset, compression)));
	}

	@Override
	public void deleteSnapshots(Collection<SnapshotInfo> snapshots) throws IOException {
		List<String> keys = new ArrayList<>(snapshots.size());
		for (SnapshotInfo snapshot : snapshots) {
			keys.add(key(ReplicaPaths.key(snapshot)));
		}
		this.store.delete(keys);
	}

	@Override
	public void deleteWalSegments(Collection<WalSegmentInfo> segments) throws IOException {
		List<String> keys = new ArrayList<>(segments.size());
		for (WalSegmentInfo segment : segments) {
			keys.add(key(ReplicaPaths.key(segment)));
		}
		this.store.delete(keys);
	}

	@Override
	public void deleteGeneration(Generation generation) throws IOException {
		String dir = S3Keys.directory(this.prefix, ReplicaPaths.generationDir(generation));
		List<String> keys = new ArrayList<>();
		this.store.list(dir, false, (page) -> page.contents().forEach((object) -> keys.add(object.key())));
		this.store.delete(keys);
		logger.debug("Deleted generation location={} generation={} objects={}", location(), generation, keys.size());
	}

	/** The lease object is {@code <prefix>/lease}, written with conditional requests. */
	@Override
	public boolean supportsLease() {
		return true;
	}

	@Override
	public Optional<StoredLease> readLease() throws IOException {
		return this.store.readVersioned(key(LEASE));
	}

	@Override
	public StoredLease createLease(byte[] content) throws IOException {
		return this.store.createVersioned(key(LEASE), content);
	}

	@Override
	public StoredLease replaceLease(StoredLease current, byte[] content) throws IOException {
		return this.store.replaceVersioned(key(LEASE), current, content);
	}

	/**
	 * Creates a probe object twice with {@code If-None-Match: *}: the second create must
	 * be refused. A store that accepts it (one that ignores conditional writes) is
	 * refused, since neither the lease nor the create-only objects hold there. The probe
	 * is deleted either way.
	 */
	@Override
	public void checkConditionalWrites() throws IOException {
		this.store.checkConditionalCreate(key(LEASE + "-check-"));
	}

	/** S3 lists {@code LastModified} in whole seconds. */
	@Override
	public Duration listedTimeResolution(Instant listedAt) {
		return LISTED_TIME_RESOLUTION;
	}

	/** Reads {@link #CREATED_AT_METADATA} with a HeadObject request. */
	@Override
	public Optional<Instant> exactCreatedAt(SnapshotInfo snapshot) throws IOException {
		return this.store.createdAt(key(ReplicaPaths.key(snapshot)));
	}

	/** Reads {@link #CREATED_AT_METADATA} with a HeadObject request. */
	@Override
	public Optional<Instant> exactCreatedAt(WalSegmentInfo segment) throws IOException {
		return this.store.createdAt(key(ReplicaPaths.key(segment)));
	}

	/**
	 * Closes the {@link S3Client} if {@link Options#closeS3Client()} says this client
	 * owns it.
	 */
	@Override
	public void close() {
		if (this.options.closeS3Client()) {
			this.s3.close();
		}
	}

	@Override
	public String toString() {
		return "S3ReplicaClient[" + location() + "]";
	}

	private String key(String name) {
		return S3Keys.join(this.prefix, name);
	}

	private static String childName(String dir, String key) {
		return key.startsWith(dir) ? key.substring(dir.length()) : key;
	}

	private static Instant lastModified(S3Object object) {
		return (object.lastModified() != null) ? object.lastModified() : Instant.EPOCH;
	}

	private static long size(S3Object object) {
		return (object.size() != null) ? object.size() : 0;
	}

	/**
	 * Tuning options of an {@link S3ReplicaClient}.
	 *
	 * @param listPageSize the most keys one ListObjectsV2 page asks for, 1 to 1000
	 * @param deleteBatchSize the most keys one DeleteObjects request names, 1 to 1000
	 * @param closeS3Client whether {@link S3ReplicaClient#close()} closes the
	 * {@link S3Client}, for a client built for this replica alone
	 * @param clock the clock that dates written objects
	 * @since 0.1.0
	 */
	public record Options(int listPageSize, int deleteBatchSize, boolean closeS3Client, Clock clock) {

		/** 1000-key pages and batches, a shared S3 client, the system clock. */
		public static final Options DEFAULTS = new Options(1000, MAX_DELETE_BATCH_SIZE, false, Clock.systemUTC());

		public Options {
			requireListPageSize(listPageSize);
			requireDeleteBatchSize(deleteBatchSize);
			Objects.requireNonNull(clock, "'clock' must not be null");
		}

		/** Starts options from {@link #DEFAULTS}. */
		public static Builder builder() {
			return DEFAULTS.toBuilder();
		}

		/** Starts a builder with these options, to change some of them. */
		public Builder toBuilder() {
			return new Builder(this);
		}

		private static int requireListPageSize(int size) {
			if (size < 1 || size > 1000) {
				throw new IllegalArgumentException("'listPageSize' must be 1 to 1000: " + size);
			}
			return size;
		}

		private static int requireDeleteBatchSize(int size) {
			if (size < 1 || size > MAX_DELETE_BATCH_SIZE) {
				throw new IllegalArgumentException("'deleteBatchSize' must be 1 to 1000: " + size);
			}
			return size;
		}

		/**
		 * Builds {@link Options}: each setter checks its own value, by the rule the
		 * record's constructor applies.
		 *
		 * @since 0.1.0
		 */
		public static final class Builder {

			private int listPageSize;

			private int deleteBatchSize;

			private boolean closeS3Client;

			private Clock clock;

			private Builder(Options options) {
				this.listPageSize = options.listPageSize;
				this.deleteBatchSize = options.deleteBatchSize;
				this.closeS3Client = options.closeS3Client;
				this.clock = options.clock;
			}

			/**
			 * The most keys one ListObjectsV2 page asks for.
			 * @param size 1 to 1000
			 * @return this builder
			 * @throws IllegalArgumentException when {@code size} is out of range
			 */
			public Builder listPageSize(int size) {
				this.listPageSize = requireListPageSize(size);
				return this;
			}

			/**
			 * The most keys one DeleteObjects request names.
			 * @param size 1 to 1000
			 * @return this builder
			 * @throws IllegalArgumentException when {@code size} is out of range
			 */
			public Builder deleteBatchSize(int size) {
				this.deleteBatchSize = requireDeleteBatchSize(size);
				return this;
			}

			/**
			 * Whether {@link S3ReplicaClient#close()} closes the {@link S3Client}, for a
			 * client built for this replica alone.
			 * @param close whether to close it
			 * @return this builder
			 */
			public Builder closeS3Client(boolean close) {
				this.closeS3Client = close;
				return this;
			}

			/**
			 * The clock that dates written objects.
			 * @param clock the clock
			 * @return this builder
			 */
			public Builder clock(Clock clock) {
				this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
				return this;
			}

			/** Builds the options. */
			public Options build() {
				return new Options(this.listPageSize, this.deleteBatchSize, this.closeS3Client, this.clock);
			}

		}

	}

}
