package io.github.jlitestream.core;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.layout.ReplicaPaths;
import io.github.jlitestream.core.restore.NoBackupException;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Restores to a point in time and up to a WAL index.
 */
class PointInTimeRestoreTests {

	@TempDir
	Path dir;

	@Test
	void restoresExactlyTheCommitsUpToATimestamp() throws Exception {
		try (Harness harness = new Harness(this.dir.resolve("app.db"),
				new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('first')");
			harness.sync();
			Thread.sleep(1100);
			harness.execute("INSERT INTO t VALUES ('second')");
			harness.sync();
			Instant between = lastSegmentTime(harness).minusMillis(500);
			Thread.sleep(1100);
			harness.execute("INSERT INTO t VALUES ('third')", "DELETE FROM t WHERE v = 'first'");
			harness.sync();

			assertThat(rows(harness, RestoreOptions.builder(this.dir.resolve("at1.db")).timestamp(between).build()))
				.containsExactly("first");
			assertThat(rows(harness,
					RestoreOptions.builder(this.dir.resolve("at2.db"))
						.timestamp(lastSegmentTime(harness).minusMillis(500))
						.build()))
				.containsExactly("first", "second");
			// a file's time lags its write by up to a kernel timer tick: a target that
			// close leaves it out (below)
			Thread.sleep(2 * FileReplicaClient.COARSE_CLOCK_LAG.toMillis());
			assertThat(
					rows(harness, RestoreOptions.builder(this.dir.resolve("now.db")).timestamp(Instant.now()).build()))
				.containsExactly("second", "third");
		}
	}

	@Test
	void restoresExactlyTheStateOfAnIndex() throws Exception {
		try (Harness harness = new Harness(this.dir.resolve("app.db"),
				new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('index 0')");
			harness.sync();
			assertThat(harness.database().checkpoint(CheckpointMode.RESTART)).isTrue();
			harness.execute("INSERT INTO t VALUES ('index 1')");
			harness.sync();
			Map<String, List<String>> atIndex1 = Sql.dump(harness.app());
			assertThat(harness.database().checkpoint(CheckpointMode.RESTART)).isTrue();
			harness.execute("INSERT INTO t VALUES ('index 2')");
			harness.sync();
			Generation generation = harness.database().position().generation();
			assertThat(harness.database().position().index()).isEqualTo(2);

			Path restored = this.dir.resolve("index1.db");
			RestoreResult result = harness
				.restore(RestoreOptions.builder(restored).generation(generation).index(1L).build());
			assertThat(result.position().index()).isEqualTo(1);
			assertThat(Sql.dump(restored)).isEqualTo(atIndex1);
			assertThat(rows(harness, RestoreOptions.builder(this.dir.resolve("index0.db")).index(0L).build()))
				.containsExactly("index 0");
		}
	}

	/**
	 * Kernels date file writes with a coarse clock that lags the precise one by up to a
	 * timer tick, so the segment of a commit made right after the target can carry a time
	 * at or before it (audit finding #4 on a file replica). The exact time in the file's
	 * extended attribute keeps it out; where the file system has none, the restore leaves
	 * such a segment out and says so.
	 */
	@Test
	void aCommitRightAfterTheTargetStaysOutThoughItsFileIsDatedBeforeIt() throws Exception {
		FileReplicaClient client = new FileReplicaClient(this.dir.resolve("replica"));
		try (Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (v TEXT)");
			harness.sync();
			int attempts = 0;
			boolean datedBefore = false;
			while (!datedBefore && attempts < 100) {
				attempts++;
				harness.execute("INSERT INTO t VALUES ('kept " + attempts + "')");
				harness.sync();
				// the kept commit's segment dated clearly before the target, even by a
				// coarse clock
				Thread.sleep(2 * FileReplicaClient.COARSE_CLOCK_LAG.toMillis());
				Instant target = Instant.now();
				harness.execute("INSERT INTO t VALUES ('after " + attempts + "')");
				harness.sync();
				WalSegmentInfo after = lastSegment(harness);
				datedBefore = !after.createdAt().isAfter(target);
				if (datedBefore) {
					List<String> expected = new ArrayList<>(Sql.dump(harness.app()).get("t"));
					expected.remove("after " + attempts);
					Path restored = this.dir.resolve("at.db");
					RestoreResult result = harness.restore(RestoreOptions.builder(restored).timestamp(target).build());
					assertThat(Sql.dump(restored).get("t")).containsExactlyInAnyOrderElementsOf(expected)
						.contains("kept " + attempts);
					if (client.exactCreatedAt(after).isPresent()) {
						// the exact time in the file's extended attribute decides:
						// nothing rounded down
						assertThat(client.exactCreatedAt(after).get()).isAfter(target);
						assertThat(result.roundedDown()).isNull();
					}
					else {
						assertThat(result.roundedDown()).isNotNull();
						assertThat(result.roundedDown().objectKey()).isEqualTo(ReplicaPaths.key(after));
					}
				}
			}
			assumeTrue(datedBefore, "this file system dated no file before a time taken before its write");
		}
	}

	@Test
	void fileTimesWithoutAFractionAreTakenAsWholeSeconds() {
		FileReplicaClient client = new FileReplicaClient(this.dir.resolve("replica"));
		assertThat(client.listedTimeResolution(Instant.parse("2026-03-01T12:00:01Z")))
			.isEqualTo(FileReplicaClient.WHOLE_SECONDS)
			.isGreaterThanOrEqualTo(Duration.ofSeconds(2));
		assertThat(client.listedTimeResolution(Instant.parse("2026-03-01T12:00:01.123456789Z")))
			.isEqualTo(FileReplicaClient.COARSE_CLOCK_LAG);
	}

	@Test
	void timestampBeforeTheFirstSnapshotIsNoBackup() throws Exception {
		Instant before = Instant.now().minusSeconds(60);
		try (Harness harness = new Harness(this.dir.resolve("app.db"),
				new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)");
			harness.sync();
			assertThatExceptionOfType(NoBackupException.class).isThrownBy(
					() -> harness.restore(RestoreOptions.builder(this.dir.resolve("x.db")).timestamp(before).build()))
				.withMessageContaining("at or before " + before);
			assertThat(this.dir.resolve("x.db")).doesNotExist();
		}
	}

	private static WalSegmentInfo lastSegment(Harness harness) throws Exception {
		Generation generation = harness.database().position().generation();
		List<WalSegmentInfo> segments = harness.client().walSegments(generation);
		return segments.get(segments.size() - 1);
	}

	private static Instant lastSegmentTime(Harness harness) throws Exception {
		Generation generation = harness.database().position().generation();
		List<WalSegmentInfo> segments = harness.client().walSegments(generation);
		return segments.get(segments.size() - 1).createdAt();
	}

	private static List<String> rows(Harness harness, RestoreOptions options) throws Exception {
		harness.restore(options);
		return Sql.dump(options.outputPath()).get("t");
	}

}
