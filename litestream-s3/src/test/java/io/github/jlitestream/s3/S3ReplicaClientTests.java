package io.github.jlitestream.s3;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.testing.AbstractReplicaClientContractTests;
import io.github.jlitestream.core.testing.Lz4Objects;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link S3ReplicaClient}, against a real S3 server (S3Proxy with signature
 * checks) on loopback.
 */
class S3ReplicaClientTests extends AbstractReplicaClientContractTests {

	private static final String PREFIX = "apps/main.db";

	private static final AtomicInteger buckets = new AtomicInteger();

	private static S3ProxyServer server;

	private static S3ReplicaClientFactory factory;

	private static S3Client s3;

	private String bucket;

	@BeforeAll
	static void startServer() {
		server = S3ProxyServer.startInMemory();
		factory = server.clientFactory()
			.maxAttempts(3)
			.retryBackoff(Duration.ofMillis(10), Duration.ofMillis(50))
			.build();
		s3 = factory.createS3Client();
	}

	@AfterAll
	static void stopServer() {
		s3.close();
		server.close();
	}

	@Override
	protected ReplicaClient createClient() {
		this.bucket = "contract-" + buckets.incrementAndGet();
		server.createBucket(this.bucket);
		return factory.create("s3://" + this.bucket + "/" + PREFIX);
	}

	@Test
	void describesItself() {
		assertThat(this.client.type()).isEqualTo("s3");
		assertThat(this.client.location()).isEqualTo("s3://" + this.bucket + "/" + PREFIX);
		assertThat(this.client).hasToString("S3ReplicaClient[s3://" + this.bucket + "/" + PREFIX + "]");
	}

	@Test
	void storesLitestreamLayoutUnderPrefix() throws IOException {
		Generation generation = new Generation("0123456789abcdef");
		Lz4Objects.writeSnapshot(this.client, generation, 1, ObjectContent.of(bytes("s")));
		Lz4Objects.writeWalSegment(this.client, generation, 1, 4152, ObjectContent.of(bytes("w")));
		assertThat(keys(this.bucket)).containsExactly(
				"apps/main.db/generations/0123456789abcdef/snapshots/00000001.snapshot.lz4",
				"apps/main.db/generations/0123456789abcdef/wal/00000001_00001038.wal.lz4");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "/", ".", "./", "//" })
	void emptyPrefixPutsReplicaAtBucketRoot(String prefix) throws IOException {
		Generation generation = new Generation("0123456789abcdef");
		try (S3ReplicaClient root = new S3ReplicaClient(s3, this.bucket, prefix, S3ReplicaClient.Options.DEFAULTS)) {
			assertThat(root.prefix()).isEmpty();
			assertThat(root.location()).isEqualTo("s3://" + this.bucket);
			Lz4Objects.writeSnapshot(root, generation, 1, ObjectContent.of(bytes("s")));
			assertThat(keys(this.bucket))
				.containsExactly("generations/0123456789abcdef/snapshots/00000001.snapshot.lz4");
			assertThat(root.generations()).containsExactly(generation);
			assertThat(readAll(Lz4Objects.openSnapshot(root, generation, 1))).isEqualTo(bytes("s"));
		}
	}

	@Test
	void slashesAroundPrefixAreIgnored() throws IOException {
		Generation generation = Generation.random();
		Lz4Objects.writeSnapshot(this.client, generation, 1, ObjectContent.of(bytes("s")));
		try (S3ReplicaClient other = new S3ReplicaClient(s3, this.bucket, "/apps//main.db/",
				S3ReplicaClient.Options.DEFAULTS)) {
			assertThat(other.prefix()).isEqualTo(PREFIX);
			assertThat(other.generations()).containsExactly(generation);
		}
	}

	@Test
	void replicasUnderNeighbouringPrefixesStayApart() throws IOException {
		// The same generation name under "a", "a/b" and "a/bc": a prefix match without
		// the trailing slash would mix "a/b" with "a/bc", and a listing without a
		// delimiter would show "a/b/..." to "a".
		Generation generation = new Generation("00000000000000aa");
		String[] prefixes = { "a", "a/b", "a/bc" };
		S3ReplicaClient[] clients = new S3ReplicaClient[prefixes.length];
		for (int i = 0; i < prefixes.length; i++) {
			clients[i] = new S3ReplicaClient(s3, this.bucket, prefixes[i], S3ReplicaClient.Options.DEFAULTS);
			Lz4Objects.writeSnapshot(clients[i], generation, i, ObjectContent.of(bytes(prefixes[i])));
			Lz4Objects.writeWalSegment(clients[i], generation, i, 0, ObjectContent.of(bytes(prefixes[i])));
		}
		for (int i = 0; i < prefixes.length; i++) {
			assertThat(clients[i].generations()).containsExactly(generation);
			assertThat(clients[i].snapshots(generation)).extracting(SnapshotInfo::index).containsExactly((long) i);
			assertThat(clients[i].walSegments(generation)).extracting(WalSegmentInfo::index).containsExactly((long) i);
		}
		clients[1].deleteGeneration(generation);
		assertThat(clients[1].generations()).isEmpty();
		assertThat(clients[0].snapshots(generation)).hasSize(1);
		assertThat(clients[2].snapshots(generation)).hasSize(1);
		assertThat(keys(this.bucket)).hasSize(4).noneMatch((key) -> key.startsWith("a/b/"));
	}

	@Test
	void ignoresForeignObjects() throws IOException {
		Generation generation = Generation.random();
		Lz4Objects.writeSnapshot(this.client, generation, 1, ObjectContent.of(bytes("s")));
		String dir = PREFIX + "/generations/";
		put(dir + "not-a-generation/snapshots/00000001.snapshot.lz4");
		put(dir + "README");
		put(dir + generation + "/snapshots/README");
		put(dir + generation + "/snapshots/00000002.snapshot.lz4.tmp");
		put(dir + generation + "/snapshots/nested/00000003.snapshot.lz4");
		put(dir + generation + "/wal/garbage.wal.lz4");
		put(PREFIX + "-other/generations/" + generation + "/snapshots/00000004.snapshot.lz4");
		assertThat(this.client.generations()).containsExactly(generation);
		assertThat(this.client.snapshots(generation)).extracting(SnapshotInfo::index).containsExactly(1L);
		assertThat(this.client.walSegments(generation)).isEmpty();
	}

	@Test
	void listsAndDeletesPageByPage() throws IOException {
		RequestCounter counter = new RequestCounter();
		S3ReplicaClient.Options options = S3ReplicaClient.Options.builder()
			.listPageSize(10)
			.deleteBatchSize(10)
			.build();
		try (S3ReplicaClient paged = server.clientFactory()
			.options(options)
			.customizer((builder) -> builder.overrideConfiguration((o) -> o.addExecutionInterceptor(counter)))
			.build()
			.create("s3://" + this.bucket + "/paged")) {
			Generation generation = new Generation("0000000000000000");
			for (int i = 0; i < 25; i++) {
				Lz4Objects.writeWalSegment(paged, generation, 1, 25 - i, ObjectContent.of(new byte[] { (byte) i }));
			}
			for (int i = 1; i <= 11; i++) {
				Lz4Objects.writeSnapshot(paged, new Generation("%016x".formatted(i)), 0,
						ObjectContent.of(bytes("s" + i)));
			}
			counter.reset();
			assertThat(paged.walSegments(generation)).extracting(WalSegmentInfo::offset)
				.containsExactlyElementsOf(LongStream.rangeClosed(1, 25).boxed().toList());
			assertThat(counter.calls("ListObjectsV2")).isEqualTo(3);
			counter.reset();
			assertThat(paged.generations()).hasSize(12).isSorted();
			assertThat(counter.calls("ListObjectsV2")).isEqualTo(2);
			counter.reset();
			paged.deleteGeneration(generation);
			assertThat(counter.calls("ListObjectsV2")).isEqualTo(3);
			assertThat(counter.calls("DeleteObjects")).isEqualTo(3);
			assertThat(paged.walSegments(generation)).isEmpty();
			assertThat(paged.generations()).hasSize(11);
		}
	}

	@Test
	void missingObjectIsNoSuchFileNamingTheObject() {
		Generation generation = new Generation("0123456789abcdef");
		assertThatExceptionOfType(NoSuchFileException.class)
			.isThrownBy(() -> Lz4Objects.openWalSegment(this.client, generation, 2, 4152))
			.withMessageContaining("s3://" + this.bucket + "/" + PREFIX
					+ "/generations/0123456789abcdef/wal/00000002_00001038.wal.lz4");
	}

	@Test
	void recordsTheExactCreationTimeWithEachObject() throws IOException {
		Instant createdAt = Instant.parse("2026-03-01T12:00:00.000000001Z");
		try (S3ReplicaClient fixed = new S3ReplicaClient(s3, this.bucket, "dated",
				S3ReplicaClient.Options.builder().clock(Clock.fixed(createdAt, ZoneOffset.UTC)).build());
				S3ReplicaClient dated = factory.create("s3://" + this.bucket + "/dated")) {
			Generation generation = new Generation("0123456789abcdef");
			SnapshotInfo snapshot = Lz4Objects.writeSnapshot(fixed, generation, 1, ObjectContent.of(bytes("s")));
			WalSegmentInfo segment = Lz4Objects.writeWalSegment(fixed, generation, 1, 0, ObjectContent.of(bytes("w")));
			assertThat(snapshot.createdAt()).isEqualTo(createdAt);
			assertThat(segment.createdAt()).isEqualTo(createdAt);
			assertThat(s3.headObject((r) -> r.bucket(this.bucket).key("dated/" + ReplicaPaths.key(segment))).metadata())
				.containsEntry(S3ReplicaClient.CREATED_AT_METADATA, "2026-03-01T12:00:00.000000001Z");

			// read back through the listing's entries, by another client of the same
			// replica
			assertThat(dated.exactCreatedAt(dated.snapshots(generation).get(0))).hasValue(createdAt);
			assertThat(dated.exactCreatedAt(dated.walSegments(generation).get(0))).hasValue(createdAt);
			assertThat(dated.listedTimeResolution(dated.walSegments(generation).get(0).createdAt()))
				.isEqualTo(Duration.ofSeconds(1));
		}
	}

	@Test
	void objectsWrittenWithoutTheTimeHaveNoExactCreationTime() throws IOException {
		// as Litestream and earlier builds of this library write them: a plain PutObject
		Generation generation = new Generation("0123456789abcdef");
		s3.putObject((r) -> r.bucket(this.bucket).key(PREFIX + "/" + Lz4Objects.walSegmentKey(generation, 0, 0)),
				RequestBody.fromBytes(bytes("w")));
		s3.putObject(
				(r) -> r.bucket(this.bucket)
					.key(PREFIX + "/" + Lz4Objects.walSegmentKey(generation, 0, 1))
					.metadata(Map.of(S3ReplicaClient.CREATED_AT_METADATA, "yesterday")),
				RequestBody.fromBytes(bytes("w")));
		List<WalSegmentInfo> segments = this.client.walSegments(generation);
		assertThat(this.client.exactCreatedAt(segments.get(0))).isEmpty();
		assertThat(this.client.exactCreatedAt(segments.get(1))).as("unreadable").isEmpty();
		WalSegmentInfo gone = Lz4Objects.walSegment(generation, 0, 2, 1, Instant.now());
		assertThatExceptionOfType(NoSuchFileException.class).isThrownBy(() -> this.client.exactCreatedAt(gone))
			.withMessageContaining(ReplicaPaths.key(gone));
	}

	@Test
	void missingBucketIsReportedWithBucketAndKey() throws IOException {
		Generation generation = new Generation("0123456789abcdef");
		try (S3ReplicaClient missing = factory.create("s3://no-such-bucket/" + PREFIX)) {
			assertThatExceptionOfType(S3OperationException.class).isThrownBy(missing::generations)
				.withMessageContaining("S3 ListObjectsV2 failed")
				.withMessageContaining("bucket 'no-such-bucket'")
				.withMessageContaining("key '" + PREFIX + "/generations/'")
				.withMessageContaining("the bucket does not exist")
				.satisfies((ex) -> {
					assertThat(ex.errorCode()).isEqualTo("NoSuchBucket");
					assertThat(ex.statusCode()).isEqualTo(404);
					assertThat(ex.operation()).isEqualTo("ListObjectsV2");
					assertThat(ex.bucket()).isEqualTo("no-such-bucket");
				});
			assertThatExceptionOfType(S3OperationException.class)
				.isThrownBy(() -> Lz4Objects.writeSnapshot(missing, generation, 1, ObjectContent.of(bytes("s"))))
				.withMessageContaining("S3 PutObject failed for bucket 'no-such-bucket' key '" + PREFIX
						+ "/generations/0123456789abcdef/snapshots/00000001.snapshot.lz4'")
				.withMessageContaining("NoSuchBucket");
			assertThatExceptionOfType(S3OperationException.class)
				.isThrownBy(() -> Lz4Objects.openSnapshot(missing, generation, 1))
				.withMessageContaining("S3 GetObject failed for bucket 'no-such-bucket'")
				.withMessageContaining("NoSuchBucket");
		}
	}

	@Test
	void wrongSecretIsReportedAsAccessDenied() throws IOException {
		try (S3ReplicaClient wrong = server.clientFactory()
			.credentials(S3ProxyServer.DEFAULT_ACCESS_KEY, "not-the-secret")
			.build()
			.create("s3://" + this.bucket + "/" + PREFIX)) {
			assertThatExceptionOfType(S3OperationException.class).isThrownBy(wrong::generations)
				.withMessageContaining("bucket '" + this.bucket + "'")
				.withMessageContaining("access denied, check the credentials")
				.withMessageContaining("SignatureDoesNotMatch")
				.withMessageNotContaining("not-the-secret")
				.satisfies((ex) -> assertThat(ex.statusCode()).isEqualTo(403));
		}
	}

	@Test
	void unknownAccessKeyIsReportedAsAccessDenied() throws IOException {
		try (S3ReplicaClient wrong = server.clientFactory()
			.credentials("unknown-access-key", "unknown-secret")
			.build()
			.create("s3://" + this.bucket + "/" + PREFIX)) {
			assertThatExceptionOfType(S3OperationException.class)
				.isThrownBy(() -> Lz4Objects.writeSnapshot(wrong, Generation.random(), 0, ObjectContent.of(bytes("s"))))
				.withMessageContaining("S3 PutObject failed")
				.withMessageContaining("access denied, check the credentials")
				.withMessageContaining("InvalidAccessKeyId")
				.withMessageNotContaining("unknown-secret");
		}
	}

	@Test
	void contentShorterOrLongerThanDeclaredIsNotStored() throws IOException {
		Generation generation = Generation.random();
		RequestCounter counter = new RequestCounter();
		try (S3ReplicaClient counted = server.clientFactory()
			.maxAttempts(5)
			.customizer((builder) -> builder.overrideConfiguration((o) -> o.addExecutionInterceptor(counter)))
			.build()
			.create("s3://" + this.bucket + "/" + PREFIX)) {
			assertThatExceptionOfType(ContentLengthMismatchException.class)
				.isThrownBy(() -> Lz4Objects.writeWalSegment(counted, generation, 0, 0, content(bytes("short"), 10)))
				.withMessageContaining("ended after 5 bytes, expected 10")
				.withMessageContaining(PREFIX + "/generations/" + generation + "/wal/00000000_00000000.wal.lz4");
			// The SDK retries the I/O error, but the second attempt stops before sending
			// anything.
			assertThat(counter.calls("PutObject")).isEqualTo(1);
			assertThat(counter.attempts("PutObject")).isEqualTo(1);
			assertThatExceptionOfType(ContentLengthMismatchException.class).isThrownBy(
					() -> Lz4Objects.writeWalSegment(counted, generation, 0, 1, content(bytes("longer than said"), 4)))
				.withMessageContaining("longer than its declared 4 bytes");
			assertThat(counted.walSegments(generation)).isEmpty();
		}
	}

	@Test
	void retriedUploadReopensTheContent() throws IOException {
		Generation generation = Generation.random();
		byte[] data = randomBytes(300_000, 3);
		AtomicInteger opens = new AtomicInteger();
		ObjectContent flaky = new ObjectContent() {
			@Override
			public long length() {
				return data.length;
			}

			@Override
			public InputStream open() {
				InputStream in = new ByteArrayInputStream(data);
				if (opens.incrementAndGet() > 1) {
					return in;
				}
				return new FilterInputStream(in) {
					private int read;

					@Override
					public int read(byte[] b, int off, int len) throws IOException {
						if (this.read > 100_000) {
							throw new IOException("disk hiccup");
						}
						int n = super.read(b, off, len);
						this.read += Math.max(n, 0);
						return n;
					}
				};
			}
		};
		Lz4Objects.writeSnapshot(this.client, generation, 0, flaky);
		assertThat(opens).hasValue(2);
		assertThat(readAll(Lz4Objects.openSnapshot(this.client, generation, 0))).isEqualTo(data);
	}

	@Test
	void contentThatCannotBeOpenedFailsTheWrite() {
		ObjectContent gone = new ObjectContent() {
			@Override
			public long length() {
				return 10;
			}

			@Override
			public InputStream open() throws IOException {
				throw new NoSuchFileException("/var/lib/app/db-wal-copy");
			}
		};
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> Lz4Objects.writeSnapshot(this.client, Generation.random(), 0, gone))
			.withStackTraceContaining("/var/lib/app/db-wal-copy")
			.withMessageContaining("snapshots/00000000.snapshot.lz4");
	}

	@Test
	void closingADownloadEarlyLeavesTheClientUsable() throws IOException {
		Generation generation = Generation.random();
		byte[] data = randomBytes(4 * 1024 * 1024, 4);
		Lz4Objects.writeSnapshot(this.client, generation, 0, ObjectContent.of(data));
		for (int i = 0; i < 5; i++) {
			try (InputStream in = Lz4Objects.openSnapshot(this.client, generation, 0)) {
				assertThat(in.readNBytes(10)).containsExactly(Arrays.copyOf(data, 10));
			}
		}
		assertThat(readAll(Lz4Objects.openSnapshot(this.client, generation, 0))).isEqualTo(data);
	}

	private static ObjectContent content(byte[] bytes, long declaredLength) {
		return new ObjectContent() {
			@Override
			public long length() {
				return declaredLength;
			}

			@Override
			public InputStream open() {
				return new ByteArrayInputStream(bytes);
			}
		};
	}

	private void put(String key) {
		s3.putObject((request) -> request.bucket(this.bucket).key(key), RequestBody.fromString("foreign"));
	}

	private static List<String> keys(String bucket) {
		return s3.listObjectsV2Paginator((request) -> request.bucket(bucket))
			.contents()
			.stream()
			.map(S3Object::key)
			.sorted()
			.toList();
	}

}
