package io.github.jlitestream.s3;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.LitestreamBinary;
import io.github.jlitestream.core.testing.MutableClock;
import io.github.jlitestream.s3.testing.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compaction on S3 (S3Proxy on loopback): an overwritten object is listed with the time
 * of the overwrite, so a point-in-time restore by this project reads the time of the
 * index's last commit from the object's metadata; Litestream v0.3.13 restores the latest
 * state to the same rows, and at a point in time an older state, never a mix.
 */
class S3CompactionTests {

	@RegisterExtension
	static final S3ProxyExtension s3 = new S3ProxyExtension();

	private static final Duration AGE = Duration.ofHours(1);

	private static final String PREFIX = "apps/app.db";

	@TempDir
	Path dir;

	private final MutableClock clock = new MutableClock(Instant.now());

	@Test
	void aCompactedS3ReplicaRestoresByUsAndByLitestreamAndAPointInTimeUsesTheIndexsLastCommit() throws Exception {
		Path db = this.dir.resolve("app.db");
		try (S3ReplicaClient client = s3.newClient("compaction", PREFIX);
				Harness harness = new Harness(db, client, DatabaseOptions.of(db), this.clock,
						ReplicaCodec.litestream())) {
			harness.reopenEngine(ReplicaOptions.builder("r").compactionAge(AGE).build());
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('x0')");
			harness.sync();
			harness.database().checkpoint(CheckpointMode.RESTART);
			harness.execute("INSERT INTO t VALUES ('a1')");
			harness.sync();
			Instant insideA = pause();
			for (int i = 2; i < 6; i++) {
				harness.execute("UPDATE t SET v = 'a" + i + "' WHERE v = 'a" + (i - 1) + "'");
				harness.sync();
			}
			Instant afterA = pause();
			harness.database().checkpoint(CheckpointMode.RESTART);
			harness.execute("INSERT INTO t VALUES ('b1')");
			harness.sync();
			harness.execute("INSERT INTO t VALUES ('b2')");
			harness.sync();
			pause();
			harness.database().checkpoint(CheckpointMode.RESTART);
			harness.execute("INSERT INTO t VALUES ('c1')");
			harness.sync();
			Map<String, List<String>> expected = Sql.dump(harness.app());
			Generation generation = harness.database().position().generation();
			assertThat(segments(client, generation, 1)).hasSizeGreaterThan(1);

			// the engine's clock says an hour later; the store's a second
			sleepIntoNextSecond();
			this.clock.advance(AGE.plusMinutes(1));
			while (harness.replica().compact()) {
				this.clock.advance(AGE);
			}
			List<WalSegmentInfo> index1 = segments(client, generation, 1);
			assertThat(index1).hasSize(1);
			WalSegmentInfo current = segments(client, generation, 3).get(0);
			assertThat(index1.get(0).createdAt()).as("listed with the time of the overwrite")
				.isAfter(current.createdAt());
			assertThat(client.exactCreatedAt(index1.get(0)).orElseThrow()).isBefore(afterA);

			assertThat(Sql.dump(restore(harness, null))).isEqualTo(expected);
			Path config = writeConfig(db, client);
			Path latest = this.dir.resolve("latest-by-litestream.db");
			LitestreamBinary.Result result = LitestreamBinary.run(this.dir, 120, "restore", "-config",
					config.toString(), "-o", latest.toString(), db.toString());
			assertThat(result.exitCode()).as(result.output()).isZero();
			assertThat(Sql.dump(latest)).isEqualTo(expected);
			assertThat(Sql.integrityCheck(latest)).isEqualTo("ok");

			assertThat(rows(restore(harness, insideA))).containsExactly("x0");
			assertThat(rows(restore(harness, afterA))).containsExactlyInAnyOrder("x0", "a5");
			// Litestream stops at the first object listed after its target: an older
			// state (here its snapshot's), never a mix
			Path older = this.dir.resolve("at-by-litestream.db");
			LitestreamBinary.Result at = LitestreamBinary.run(this.dir, 120, "restore", "-config", config.toString(),
					"-timestamp", afterA.toString(), "-o", older.toString(), db.toString());
			assertThat(at.exitCode()).as(at.output()).isZero();
			assertThat(rows(older)).containsExactly("x0");
		}
	}

	private Path restore(Harness harness, Instant target) throws Exception {
		Path out = this.dir.resolve("restored-" + System.nanoTime() + ".db");
		harness.restore(RestoreOptions.builder(out).timestamp(target).build());
		assertThat(Sql.integrityCheck(out)).isEqualTo("ok");
		return out;
	}

	private static List<String> rows(Path database) throws Exception {
		return Sql.dump(database).get("t");
	}

	private static List<WalSegmentInfo> segments(S3ReplicaClient client, Generation generation, long index)
			throws Exception {
		return client.walSegments(generation).stream().filter((s) -> s.index() == index).toList();
	}

	/**
	 * A moment in a second of its own: S3 lists whole seconds, and the uploads before and
	 * after are in other seconds.
	 */
	private static Instant pause() throws InterruptedException {
		sleepIntoNextSecond();
		Instant now = Instant.now();
		sleepIntoNextSecond();
		return now;
	}

	private static void sleepIntoNextSecond() throws InterruptedException {
		Instant now = Instant.now();
		Instant target = now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1).plusMillis(150);
		Thread.sleep(Duration.between(now, target).toMillis());
	}

	private Path writeConfig(Path database, S3ReplicaClient client) throws Exception {
		String location = client.location();
		String bucket = location.substring("s3://".length(), location.indexOf('/', "s3://".length()));
		String yaml = """
				dbs:
				  - path: %s
				    replicas:
				      - type: s3
				        bucket: %s
				        path: %s
				        endpoint: %s
				        region: %s
				        force-path-style: true
				        access-key-id: %s
				        secret-access-key: %s
				""".formatted(database.toAbsolutePath(), bucket, PREFIX, s3.server().endpoint(), s3.server().region(),
				s3.server().accessKey(), s3.server().secretKey());
		Path config = this.dir.resolve("litestream.yml");
		Files.writeString(config, yaml);
		return config;
	}

}
