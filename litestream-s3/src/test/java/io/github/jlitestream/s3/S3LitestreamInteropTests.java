package io.github.jlitestream.s3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.ship.Replica;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.LitestreamBinary;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interoperability with the real Litestream v0.3.13 binary through S3 (S3Proxy on
 * loopback), both ways. Litestream v0.3.13 reaches a custom endpoint only through a
 * configuration file, so each test writes one.
 */
class S3LitestreamInteropTests {

	private static final String PREFIX = "apps/db";

	private static final AtomicInteger buckets = new AtomicInteger();

	private static S3ProxyServer server;

	private static S3ReplicaClientFactory factory;

	@TempDir
	Path dir;

	@BeforeAll
	static void startServer() {
		server = S3ProxyServer.startInMemory();
		factory = server.clientFactory()
			.maxAttempts(3)
			.retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
			.build();
	}

	@AfterAll
	static void stopServer() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void litestreamRestoresOurS3Replica() throws Exception {
		String bucket = newBucket();
		Path path = this.dir.resolve("ours.db");
		Position replicated;
		try (S3ReplicaClient client = factory.create("s3://" + bucket + "/" + PREFIX);
				Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, b BLOB)");
			try (Database database = new Database("ours",
					DatabaseOptions.builder(path)
						.minCheckpointPageCount(20)
						.maxCheckpointPageCount(100)
						.truncatePageCount(0)
						.build(),
					ReplicationListener.NONE, Clock.systemUTC())) {
				database.open();
				Replica replica = new Replica(database, client, ReplicaOptions.of("s3"), new Lz4FrameCodec(),
						ReplicationListener.NONE, Clock.systemUTC());
				for (int i = 0; i < 300; i++) {
					Sql.execute(app,
							"INSERT INTO t (v, b) VALUES ('row " + i + "', randomblob(" + (i * 37 % 3000) + "))");
					if (i % 25 == 0) {
						database.sync();
						replica.sync();
					}
				}
				Sql.execute(app, "UPDATE t SET v = v || ' updated' WHERE id % 3 = 0", "DELETE FROM t WHERE id % 7 = 0");
				database.sync();
				replica.sync();
				assertThat(replica.snapshot()).isTrue();
				Sql.execute(app, "INSERT INTO t (v) VALUES ('after snapshot')");
				database.sync();
				replica.sync();
				replicated = replica.position();
				assertThat(replicated).isEqualTo(database.position());
				assertThat(replicated.index()).as("several WAL indexes").isGreaterThan(2);
				assertThat(client.snapshots(replicated.generation())).hasSizeGreaterThanOrEqualTo(2);
			}
			Path config = writeConfig(path, bucket, "");

			LitestreamBinary.Result generations = LitestreamBinary.run(this.dir, 60, "generations", "-config",
					config.toString(), path.toString());
			assertThat(generations.exitCode()).as(generations.output()).isZero();
			assertThat(generations.output()).contains(replicated.generation().toString());

			Path restored = this.dir.resolve("restored-by-litestream.db");
			LitestreamBinary.Result result = LitestreamBinary.run(this.dir, 120, "restore", "-config",
					config.toString(), "-o", restored.toString(), path.toString());
			assertThat(result.exitCode()).as(result.output()).isZero();
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(app));
			assertThat(Sql.dump(restored).get("t")).hasSizeGreaterThan(250).contains("301|after snapshot|null");
			assertThat(Sql.integrityCheck(restored)).isEqualTo("ok");

			// the first WAL index only: Litestream reads our snapshot 0 and the segments
			// of index 0 alone
			Path first = this.dir.resolve("index0-by-litestream.db");
			LitestreamBinary.Result upTo0 = LitestreamBinary.run(this.dir, 120, "restore", "-config", config.toString(),
					"-index", "0", "-o", first.toString(), path.toString());
			assertThat(upTo0.exitCode()).as(upTo0.output()).isZero();
			Path ours = this.dir.resolve("index0-by-us.db");
			new Restorer(new Lz4FrameCodec()).restore(client,
					RestoreOptions.builder(ours).generation(replicated.generation()).index(0L).build(),
					RestoreProgress.NONE);
			assertThat(Sql.dump(first)).isEqualTo(Sql.dump(ours));
			assertThat(Sql.count(first, "t")).isGreaterThan(0).isLessThan(Sql.count(restored, "t"));
		}
	}

	@Test
	void weRestoreLitestreamS3Replica() throws Exception {
		String bucket = newBucket();
		Path path = this.dir.resolve("theirs.db");
		Path config = writeConfig(path, bucket, "    monitor-interval: 100ms\n");
		Path log = this.dir.resolve("litestream.log");
		try (S3ReplicaClient client = factory.create("s3://" + bucket + "/" + PREFIX);
				Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			Process litestream = LitestreamBinary.start(this.dir, log, "replicate", "-config", config.toString());
			List<WalSegmentInfo> segments;
			try {
				Generation generation = awaitGeneration(client, litestream, log);
				for (int i = 0; i < 50; i++) {
					Sql.execute(app, "INSERT INTO t (v) VALUES ('small " + i + "')");
				}
				// A transaction of more than 1000 pages makes Litestream checkpoint into
				// a new WAL index.
				app.setAutoCommit(false);
				for (int i = 0; i < 1500; i++) {
					Sql.execute(app, "INSERT INTO t (v) VALUES ('" + "big".repeat(1000) + i + "')");
				}
				app.commit();
				app.setAutoCommit(true);
				for (int i = 0; i < 20; i++) {
					Sql.execute(app, "INSERT INTO t (v) VALUES ('tail " + i + "')");
					Thread.sleep(20);
				}
				segments = awaitQuietReplica(client, generation, litestream, log);
			}
			finally {
				litestream.destroy();
				assertThat(litestream.waitFor(30, TimeUnit.SECONDS)).isTrue();
			}
			String output = Files.readString(log, StandardCharsets.UTF_8);
			assertThat(output).as(output).doesNotContainIgnoringCase("error");
			List<Generation> generations = client.generations();
			assertThat(generations).hasSize(1);
			assertThat(output).as(output)
				.contains("wal segment written", "replica=s3 position=" + generations.get(0) + "/00000001:0",
						"litestream shut down");
			assertThat(segments).extracting(WalSegmentInfo::index)
				.as("Litestream wrote more than one WAL index")
				.contains(0L, 1L);
			Path restored = this.dir.resolve("restored-by-us.db");
			RestoreResult result = new Restorer(new Lz4FrameCodec()).restore(client, RestoreOptions.latest(restored),
					RestoreProgress.NONE);
			assertThat(result.position().generation()).isEqualTo(generations.get(0));
			WalSegmentInfo last = client.walSegments(generations.get(0))
				.stream()
				.max(WalSegmentInfo.BY_POSITION)
				.orElseThrow();
			assertThat(result.position().index()).isEqualTo(last.index());
			assertThat(result.position().offset()).isGreaterThan(last.offset());
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(app));
			assertThat(Sql.count(restored, "t")).isEqualTo(1570);
			assertThat(Sql.integrityCheck(restored)).isEqualTo("ok");
		}
	}

	/**
	 * Litestream records no exact creation time with its objects, so a point-in-time
	 * restore to a target in the second its newest segments are listed in leaves them out
	 * (the DELETE after the target with them) and says that the target was rounded down.
	 */
	@Test
	void pointInTimeRestoreLeavesOutLitestreamSegmentsListedInTheTargetsSecond() throws Exception {
		String bucket = newBucket();
		Path path = this.dir.resolve("theirs.db");
		Path config = writeConfig(path, bucket, "    monitor-interval: 100ms\n");
		Path log = this.dir.resolve("litestream.log");
		try (S3ReplicaClient client = factory.create("s3://" + bucket + "/" + PREFIX);
				Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t (v) VALUES ('one')");
			Process litestream = LitestreamBinary.start(this.dir, log, "replicate", "-config", config.toString());
			Generation generation;
			Instant target;
			List<WalSegmentInfo> beforeTwo;
			List<WalSegmentInfo> withTwo;
			List<WalSegmentInfo> withDelete;
			try {
				generation = awaitGeneration(client, litestream, log);
				beforeTwo = awaitSettled(client, generation, litestream, log);
				Instant now = Instant.now();
				Thread.sleep(Duration.between(now, now.truncatedTo(ChronoUnit.SECONDS).plusMillis(1050)).toMillis());
				Sql.execute(app, "INSERT INTO t (v) VALUES ('two')");
				withTwo = awaitMoreSegments(client, generation, beforeTwo.size(), litestream, log);
				target = Instant.now();
				Thread.sleep(100);
				Sql.execute(app, "DELETE FROM t");
				withDelete = awaitMoreSegments(client, generation, withTwo.size(), litestream, log);
			}
			finally {
				litestream.destroy();
				assertThat(litestream.waitFor(30, TimeUnit.SECONDS)).isTrue();
			}
			Instant targetsSecond = target.truncatedTo(ChronoUnit.SECONDS);
			WalSegmentInfo two = withTwo.get(beforeTwo.size());
			WalSegmentInfo delete = withDelete.get(withDelete.size() - 1);
			assertThat(two.createdAt()).as("the segment of 'two' is listed in the target's second")
				.isEqualTo(targetsSecond);
			assertThat(delete.createdAt()).as("the DELETE's segment is listed in the target's second")
				.isEqualTo(targetsSecond);
			assertThat(client.exactCreatedAt(delete)).as("Litestream records no creation time").isEmpty();

			Path restored = this.dir.resolve("at.db");
			RestoreResult result = new Restorer(new Lz4FrameCodec()).restore(client,
					RestoreOptions.builder(restored).timestamp(target).build(), RestoreProgress.NONE);
			assertThat(Sql.dump(restored).get("t")).containsExactly("1|one");
			assertThat(result.roundedDown()).isNotNull();
			assertThat(result.roundedDown().objectKey()).isEqualTo(ReplicaPaths.key(two));
			assertThat(result.roundedDown().listedAt()).isEqualTo(targetsSecond);

			// a second later the listing alone puts both before the target
			Path later = this.dir.resolve("later.db");
			RestoreResult afterwards = new Restorer(new Lz4FrameCodec()).restore(client,
					RestoreOptions.builder(later).timestamp(targetsSecond.plusSeconds(1)).build(),
					RestoreProgress.NONE);
			assertThat(Sql.dump(later).get("t")).isEmpty();
			assertThat(afterwards.roundedDown()).isNull();
		}
	}

	private static String newBucket() {
		String bucket = "interop-" + buckets.incrementAndGet();
		server.createBucket(bucket);
		return bucket;
	}

	/**
	 * A Litestream v0.3.13 configuration for one database with one S3 replica on the
	 * S3Proxy.
	 */
	private Path writeConfig(Path database, String bucket, String databaseSettings) throws IOException {
		String yaml = """
				dbs:
				  - path: %s
				%s    replicas:
				      - type: s3
				        bucket: %s
				        path: %s
				        endpoint: %s
				        region: %s
				        force-path-style: true
				        access-key-id: %s
				        secret-access-key: %s
				        sync-interval: 100ms
				""".formatted(database.toAbsolutePath(), databaseSettings, bucket, PREFIX, server.endpoint(),
				server.region(), server.accessKey(), server.secretKey());
		Path config = this.dir.resolve("litestream-" + bucket + ".yml");
		Files.writeString(config, yaml);
		return config;
	}

	private static Generation awaitGeneration(S3ReplicaClient client, Process litestream, Path log) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
		while (System.nanoTime() < deadline && litestream.isAlive()) {
			List<Generation> generations = client.generations();
			if (!generations.isEmpty() && !client.snapshots(generations.get(0)).isEmpty()) {
				return generations.get(0);
			}
			Thread.sleep(50);
		}
		throw new AssertionError("Litestream wrote no generation to S3Proxy (alive: " + litestream.isAlive()
				+ "); its log:\n" + Files.readString(log, StandardCharsets.UTF_8));
	}

	/** Waits until Litestream wrote nothing new for half a second. */
	private static List<WalSegmentInfo> awaitSettled(S3ReplicaClient client, Generation generation, Process litestream,
			Path log) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
		List<WalSegmentInfo> seen = client.walSegments(generation);
		long quietSince = System.nanoTime();
		while (System.nanoTime() < deadline && litestream.isAlive()) {
			Thread.sleep(50);
			List<WalSegmentInfo> now = client.walSegments(generation);
			if (!now.equals(seen)) {
				seen = now;
				quietSince = System.nanoTime();
			}
			else if (System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(500)) {
				return seen;
			}
		}
		throw new AssertionError("Litestream did not settle (alive: " + litestream.isAlive() + ", segments: " + seen
				+ "); its log:\n" + Files.readString(log, StandardCharsets.UTF_8));
	}

	/**
	 * Waits until Litestream wrote more than {@code count} segments of the generation.
	 */
	private static List<WalSegmentInfo> awaitMoreSegments(S3ReplicaClient client, Generation generation, int count,
			Process litestream, Path log) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
		while (System.nanoTime() < deadline && litestream.isAlive()) {
			List<WalSegmentInfo> now = client.walSegments(generation);
			if (now.size() > count) {
				return now;
			}
			Thread.sleep(10);
		}
		throw new AssertionError("Litestream wrote no new segment (alive: " + litestream.isAlive() + "); its log:\n"
				+ Files.readString(log, StandardCharsets.UTF_8));
	}

	/**
	 * Waits until Litestream wrote a second WAL index and then nothing new for a while.
	 */
	private static List<WalSegmentInfo> awaitQuietReplica(S3ReplicaClient client, Generation generation,
			Process litestream, Path log) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		List<WalSegmentInfo> seen = List.of();
		long quietSince = System.nanoTime();
		while (System.nanoTime() < deadline && litestream.isAlive()) {
			List<WalSegmentInfo> now = client.walSegments(generation);
			if (!now.equals(seen)) {
				seen = now;
				quietSince = System.nanoTime();
			}
			else if (seen.stream().anyMatch((s) -> s.index() >= 1)
					&& System.nanoTime() - quietSince > TimeUnit.MILLISECONDS.toNanos(1500)) {
				return seen;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("Litestream did not settle (alive: " + litestream.isAlive() + ", segments: " + seen
				+ "); its log:\n" + Files.readString(log, StandardCharsets.UTF_8));
	}

}
