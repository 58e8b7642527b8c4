package io.github.jlitestream.s3;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.restore.NoBackupException;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.s3.testing.S3ProxyExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Point-in-time and up-to-index restores from an S3 replica. Listings give the store's
 * {@code LastModified}, which S3 (and S3Proxy) gives to the second; the commits are
 * placed in different seconds and the target times taken from the listings, except where
 * a test is about an object listed in the target's second.
 */
class S3PointInTimeTests {

	@RegisterExtension
	static final S3ProxyExtension s3 = new S3ProxyExtension();

	private static final AtomicInteger counted = new AtomicInteger();

	@TempDir
	Path dir;

	@Test
	void restoresExactlyTheCommitsUpToATimestamp() throws Exception {
		try (S3ReplicaClient client = newClient(); Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (v TEXT)");
			harness.sync();
			// the first write after the generation's snapshot restarts the backfilled
			// WAL: a new index
			harness.execute("INSERT INTO t VALUES ('first')");
			harness.sync();
			Position afterFirst = harness.database().position();
			WalSegmentInfo first = lastSegment(harness);
			sleepIntoNextSecond();
			harness.execute("INSERT INTO t VALUES ('second')");
			harness.sync();
			Position afterSecond = harness.database().position();
			WalSegmentInfo second = lastSegment(harness);
			sleepIntoNextSecond();
			harness.execute("INSERT INTO t VALUES ('third')", "DELETE FROM t WHERE v = 'first'");
			harness.sync();
			Position afterThird = harness.database().position();
			WalSegmentInfo third = lastSegment(harness);

			assertThat(List.of(first.position(), second.position(), third.position()))
				.as("one segment per commit, each in its own second")
				.containsExactly(new Position(afterFirst.generation(), afterFirst.index(), 0),
						new Position(afterFirst.generation(), afterFirst.index(), afterFirst.offset()),
						new Position(afterFirst.generation(), afterFirst.index(), afterSecond.offset()));
			assertThat(second.createdAt().truncatedTo(ChronoUnit.SECONDS))
				.isAfter(first.createdAt().truncatedTo(ChronoUnit.SECONDS));
			assertThat(third.createdAt().truncatedTo(ChronoUnit.SECONDS))
				.isAfter(second.createdAt().truncatedTo(ChronoUnit.SECONDS));
			SnapshotInfo snapshot = client.snapshots(afterFirst.generation()).get(0);
			assertThat(snapshot.createdAt()).isBefore(second.createdAt().truncatedTo(ChronoUnit.SECONDS));

			// the last instant before the second commit's segment (whatever the store's
			// resolution)
			Instant beforeSecond = second.createdAt().truncatedTo(ChronoUnit.SECONDS).minusMillis(1);
			RestoreResult atFirst = restore(harness,
					RestoreOptions.builder(this.dir.resolve("at1.db")).timestamp(beforeSecond).build());
			assertThat(atFirst.position()).isEqualTo(afterFirst);
			assertThat(rows(atFirst)).containsExactly("first");

			// inclusive: a segment created exactly at the target time is part of the
			// restore
			Instant secondCreated = client.exactCreatedAt(second).orElseThrow();
			RestoreResult atSecond = restore(harness,
					RestoreOptions.builder(this.dir.resolve("at2.db")).timestamp(secondCreated).build());
			assertThat(atSecond.position()).isEqualTo(afterSecond);
			assertThat(rows(atSecond)).containsExactly("first", "second");
			assertThat(atSecond.roundedDown()).isNull();

			// its listed time is the start of the second it was stored in, before its
			// upload started
			assertThat(second.createdAt()).isBefore(secondCreated);
			RestoreResult atListed = restore(harness,
					RestoreOptions.builder(this.dir.resolve("at2l.db")).timestamp(second.createdAt()).build());
			assertThat(atListed.position()).isEqualTo(afterFirst);
			assertThat(atListed.roundedDown()).isNull();

			Instant beforeThird = third.createdAt().truncatedTo(ChronoUnit.SECONDS).minusMillis(1);
			RestoreResult atSecondAgain = restore(harness,
					RestoreOptions.builder(this.dir.resolve("at2b.db")).timestamp(beforeThird).build());
			assertThat(atSecondAgain.position()).isEqualTo(afterSecond);

			RestoreResult now = restore(harness,
					RestoreOptions.builder(this.dir.resolve("now.db")).timestamp(Instant.now()).build());
			assertThat(now.position()).isEqualTo(afterThird);
			assertThat(rows(now)).containsExactly("second", "third");

			Instant beforeSnapshot = snapshot.createdAt().truncatedTo(ChronoUnit.SECONDS).minusMillis(1);
			Path none = this.dir.resolve("none.db");
			assertThatExceptionOfType(NoBackupException.class)
				.isThrownBy(() -> restore(harness, RestoreOptions.builder(none).timestamp(beforeSnapshot).build()))
				.withMessageContaining("at or before " + beforeSnapshot);
			assertThat(none).doesNotExist();
		}
	}

	/**
	 * Audit finding #4: the DELETE is uploaded in the same second as the target, after
	 * it, so its segment is listed at or before the target. The restore asks for the
	 * exact times of the segments listed in that second only.
	 */
	@Test
	void restoresToJustBeforeACommitListedInTheTargetsSecond() throws Exception {
		RequestCounter counter = new RequestCounter();
		try (S3ReplicaClient client = newClient(counter);
				Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('one')");
			harness.sync();
			sleepIntoNextSecond(Duration.ofMillis(50));
			harness.execute("INSERT INTO t VALUES ('two')");
			harness.sync();
			Instant target = Instant.now();
			Thread.sleep(100);
			harness.execute("DELETE FROM t");
			harness.sync();

			List<WalSegmentInfo> segments = client.walSegments(harness.database().position().generation());
			Instant targetsSecond = target.truncatedTo(ChronoUnit.SECONDS);
			assertThat(segments.get(segments.size() - 1).createdAt())
				.as("the DELETE's segment is listed in the target's second, at or before the target")
				.isEqualTo(targetsSecond);
			long inTheTargetsSecond = segments.stream().filter((s) -> s.createdAt().equals(targetsSecond)).count();
			counter.reset();
			RestoreResult result = restore(harness,
					RestoreOptions.builder(this.dir.resolve("at.db")).timestamp(target).build());
			assertThat(rows(result)).containsExactly("one", "two");
			assertThat(result.roundedDown()).isNull();
			assertThat(counter.calls("HeadObject")).isPositive().isLessThanOrEqualTo((int) inTheTargetsSecond);
		}
	}

	/**
	 * The snapshot after the target holds the DELETE, and its listed time alone would
	 * choose it.
	 */
	@Test
	void aSnapshotWrittenInTheTargetsSecondAfterTheTargetIsNotUsed() throws Exception {
		try (S3ReplicaClient client = newClient(); Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('one')");
			harness.sync();
			sleepIntoNextSecond(Duration.ofMillis(50));
			harness.execute("INSERT INTO t VALUES ('two')");
			harness.sync();
			Instant target = Instant.now();
			Thread.sleep(100);
			harness.execute("DELETE FROM t");
			assertThat(harness.replica().snapshot()).isTrue();

			List<SnapshotInfo> snapshots = client.snapshots(harness.database().position().generation());
			assertThat(snapshots).hasSize(2);
			assertThat(snapshots.get(1).createdAt()).as("the new snapshot is listed in the target's second")
				.isEqualTo(target.truncatedTo(ChronoUnit.SECONDS));
			RestoreResult result = restore(harness,
					RestoreOptions.builder(this.dir.resolve("at.db")).timestamp(target).build());
			assertThat(result.snapshotIndex()).isEqualTo(snapshots.get(0).index());
			assertThat(rows(result)).containsExactly("one", "two");
			assertThat(result.roundedDown()).isNull();
		}
	}

	/**
	 * The generation started after the target holds the DELETE, and its listed start
	 * alone would choose it.
	 */
	@Test
	void aGenerationStartedInTheTargetsSecondAfterTheTargetIsNotChosen() throws Exception {
		try (S3ReplicaClient client = newClient(); Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('one')");
			harness.sync();
			Generation first = harness.database().position().generation();
			sleepIntoNextSecond(Duration.ofMillis(50));
			harness.execute("INSERT INTO t VALUES ('two')");
			harness.sync();
			Instant target = Instant.now();
			Thread.sleep(100);
			// a change the engine did not see: the next start begins a new generation
			harness.closeEngine();
			harness.execute("DELETE FROM t");
			harness.closeApp();
			harness.reopenApp();
			harness.openEngine();
			harness.sync();

			Generation second = harness.database().position().generation();
			assertThat(second).isNotEqualTo(first);
			assertThat(client.snapshots(second).get(0).createdAt())
				.as("the new generation's snapshot is listed in the target's second")
				.isEqualTo(target.truncatedTo(ChronoUnit.SECONDS));
			RestoreResult result = restore(harness,
					RestoreOptions.builder(this.dir.resolve("at.db")).timestamp(target).build());
			assertThat(result.position().generation()).isEqualTo(first);
			assertThat(rows(result)).containsExactly("one", "two");
			RestoreResult latest = restore(harness, RestoreOptions.latest(this.dir.resolve("latest.db")));
			assertThat(latest.position().generation()).isEqualTo(second);
			assertThat(rows(latest)).isEmpty();
		}
	}

	@Test
	void asksForAFewExactTimesWhenManySegmentsShareTheTargetsSecond() throws Exception {
		RequestCounter counter = new RequestCounter();
		try (S3ReplicaClient client = newClient(counter);
				Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('before')");
			harness.sync();
			sleepIntoNextSecond(Duration.ofMillis(20));
			Instant started = Instant.now();
			List<String> expected = new ArrayList<>(List.of("before"));
			// one segment each, as many as fit in well under half a second
			for (int i = 0; i < 30 && Duration.between(started, Instant.now()).toMillis() < 400; i++) {
				harness.execute("INSERT INTO t VALUES ('row " + i + "')");
				harness.sync();
				expected.add("row " + i);
			}
			Instant target = Instant.now();
			Thread.sleep(20);
			harness.execute("DELETE FROM t");
			harness.sync();

			Instant targetsSecond = target.truncatedTo(ChronoUnit.SECONDS);
			long inTheTargetsSecond = client.walSegments(harness.database().position().generation())
				.stream()
				.filter((s) -> s.createdAt().equals(targetsSecond))
				.count();
			assertThat(inTheTargetsSecond).as("segments listed in the target's second, the DELETE's among them")
				.isEqualTo(expected.size());
			assertThat(inTheTargetsSecond).isGreaterThanOrEqualTo(8);
			counter.reset();
			RestoreResult result = restore(harness,
					RestoreOptions.builder(this.dir.resolve("at.db")).timestamp(target).build());
			assertThat(rows(result)).containsExactlyInAnyOrderElementsOf(expected);
			// by halves: at most one request per halving of the segments listed in that
			// second, not one each
			int halvings = 64 - Long.numberOfLeadingZeros(inTheTargetsSecond);
			assertThat(counter.calls("HeadObject")).isPositive().isLessThanOrEqualTo(halvings);
		}
	}

	@Test
	void restoresExactlyTheStateOfAnIndex() throws Exception {
		try (S3ReplicaClient client = newClient(); Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('index 0')");
			harness.sync();
			Position endOfIndex0 = harness.database().position();
			Map<String, List<String>> atIndex0 = Sql.dump(harness.app());
			assertThat(harness.database().checkpoint(CheckpointMode.RESTART)).isTrue();
			harness.execute("INSERT INTO t VALUES ('index 1')", "INSERT INTO t VALUES ('index 1 again')");
			harness.sync();
			Position endOfIndex1 = harness.database().position();
			Map<String, List<String>> atIndex1 = Sql.dump(harness.app());
			assertThat(harness.database().checkpoint(CheckpointMode.RESTART)).isTrue();
			harness.execute("INSERT INTO t VALUES ('index 2')", "DELETE FROM t WHERE v = 'index 0'");
			harness.sync();
			Generation generation = harness.database().position().generation();
			assertThat(harness.database().position().index()).isEqualTo(2);
			assertThat(endOfIndex1.index()).isEqualTo(1);
			assertThat(client.walSegments(generation)).extracting(WalSegmentInfo::index).contains(0L, 1L, 2L);

			RestoreResult index1 = restore(harness,
					RestoreOptions.builder(this.dir.resolve("index1.db")).generation(generation).index(1L).build());
			assertThat(index1.position()).isEqualTo(endOfIndex1);
			assertThat(Sql.dump(index1.path())).isEqualTo(atIndex1);
			assertThat(rows(index1)).containsExactly("index 0", "index 1", "index 1 again");

			RestoreResult index0 = restore(harness,
					RestoreOptions.builder(this.dir.resolve("index0.db")).index(0L).build());
			assertThat(index0.position()).isEqualTo(endOfIndex0);
			assertThat(Sql.dump(index0.path())).isEqualTo(atIndex0);

			RestoreResult latest = restore(harness, RestoreOptions.latest(this.dir.resolve("latest.db")));
			assertThat(latest.position()).isEqualTo(harness.database().position());
			assertThat(rows(latest)).containsExactly("index 1", "index 1 again", "index 2");
		}
	}

	/**
	 * Two generations written within one listed second, the older with the higher
	 * (random) id: the latest state and a point in time after both are the newer
	 * generation's, by the exact times the objects carry.
	 */
	@Test
	void generationsWithinOneSecondAreOrderedByTheirExactTimes() throws Exception {
		for (int attempt = 0; attempt < 20; attempt++) {
			Path dir = this.dir.resolve("attempt-" + attempt);
			Files.createDirectories(dir);
			try (S3ReplicaClient client = s3.newClient("pitr", "ties/" + attempt + "/app.db");
					Harness harness = new Harness(dir.resolve("app.db"), client)) {
				sleepIntoNextSecond(Duration.ofMillis(20));
				harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('older')");
				harness.sync();
				Generation older = harness.database().position().generation();
				harness.closeEngine();
				harness.execute("INSERT INTO t VALUES ('newer')", "PRAGMA wal_checkpoint(TRUNCATE)");
				harness.openEngine();
				harness.sync();
				Generation newer = harness.database().position().generation();
				List<Generation> generations = client.generations();
				boolean oneSecond = client.snapshots(older)
					.get(0)
					.createdAt()
					.equals(client.snapshots(newer).get(0).createdAt());
				if (!oneSecond || older.compareTo(newer) < 0) {
					// the ids would order them right by chance, or the second ended in
					// between
					continue;
				}
				assertThat(generations).containsExactlyInAnyOrder(older, newer);
				sleepIntoNextSecond();
				sleepIntoNextSecond();
				Instant after = Instant.now();
				assertThat(rows(restore(harness, RestoreOptions.latest(dir.resolve("latest.db")))))
					.containsExactlyInAnyOrder("older", "newer");
				assertThat(
						rows(restore(harness, RestoreOptions.builder(dir.resolve("at.db")).timestamp(after).build())))
					.containsExactlyInAnyOrder("older", "newer");
				return;
			}
		}
		Assumptions.abort("no attempt gave two generations in one second with the ids reversed");
	}

	private static S3ReplicaClient newClient() {
		return s3.newClient("pitr", "apps/app.db");
	}

	/** A client on a new bucket whose requests {@code counter} counts. */
	private static S3ReplicaClient newClient(RequestCounter counter) {
		String bucket = "pitr-counted-" + counted.incrementAndGet();
		s3.server().createBucket(bucket);
		return s3.server()
			.clientFactory()
			.customizer((builder) -> builder.overrideConfiguration((o) -> o.addExecutionInterceptor(counter)))
			.build()
			.create("s3://" + bucket + "/apps/app.db");
	}

	/**
	 * Sleeps into the next wall-clock second (plus a margin), so later uploads are listed
	 * in a later second.
	 */
	private static void sleepIntoNextSecond() throws InterruptedException {
		sleepIntoNextSecond(Duration.ofMillis(150));
	}

	private static void sleepIntoNextSecond(Duration margin) throws InterruptedException {
		Instant now = Instant.now();
		Instant target = now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1).plus(margin);
		Thread.sleep(Duration.between(now, target).toMillis());
	}

	private static WalSegmentInfo lastSegment(Harness harness) throws Exception {
		Generation generation = harness.database().position().generation();
		return harness.client().walSegments(generation).stream().max(WalSegmentInfo.BY_POSITION).orElseThrow();
	}

	private static RestoreResult restore(Harness harness, RestoreOptions options) throws Exception {
		return harness.restore(options.toBuilder().parallelism(4).build());
	}

	private static List<String> rows(RestoreResult result) throws Exception {
		return Sql.dump(result.path()).get("t");
	}

}
