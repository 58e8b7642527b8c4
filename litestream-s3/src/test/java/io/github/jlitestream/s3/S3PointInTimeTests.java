package io.github.jlitestream.s3;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Point-in-time and up-to-index restores from an S3 replica. The times a restore compares with are the store's
 * {@code LastModified} from listings, which S3 gives to the second; the commits are therefore placed in different
 * seconds, and the target times are taken from the listings.
 */
class S3PointInTimeTests {

	@RegisterExtension
	static final S3ProxyExtension s3 = new S3ProxyExtension();

	@TempDir
	Path dir;

	@Test
	void restoresExactlyTheCommitsUpToATimestamp() throws Exception {
		try (S3ReplicaClient client = newClient();
				Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('first')");
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
				.containsExactly(new Position(afterFirst.generation(), 0, 0),
						new Position(afterFirst.generation(), 0, afterFirst.offset()),
						new Position(afterFirst.generation(), 0, afterSecond.offset()));
			assertThat(second.createdAt().truncatedTo(ChronoUnit.SECONDS))
				.isAfter(first.createdAt().truncatedTo(ChronoUnit.SECONDS));
			assertThat(third.createdAt().truncatedTo(ChronoUnit.SECONDS))
				.isAfter(second.createdAt().truncatedTo(ChronoUnit.SECONDS));
			SnapshotInfo snapshot = client.snapshots(afterFirst.generation()).get(0);
			assertThat(snapshot.createdAt()).isBefore(second.createdAt().truncatedTo(ChronoUnit.SECONDS));

			// the last instant before the second commit's segment (whatever the store's resolution)
			Instant beforeSecond = second.createdAt().truncatedTo(ChronoUnit.SECONDS).minusMillis(1);
			RestoreResult atFirst = restore(harness, RestoreOptions.latest(this.dir.resolve("at1.db")).at(beforeSecond));
			assertThat(atFirst.position()).isEqualTo(afterFirst);
			assertThat(rows(atFirst)).containsExactly("first");

			// inclusive: a segment listed exactly at the target time is part of the restore
			RestoreResult atSecond = restore(harness,
					RestoreOptions.latest(this.dir.resolve("at2.db")).at(second.createdAt()));
			assertThat(atSecond.position()).isEqualTo(afterSecond);
			assertThat(rows(atSecond)).containsExactly("first", "second");

			Instant beforeThird = third.createdAt().truncatedTo(ChronoUnit.SECONDS).minusMillis(1);
			RestoreResult atSecondAgain = restore(harness,
					RestoreOptions.latest(this.dir.resolve("at2b.db")).at(beforeThird));
			assertThat(atSecondAgain.position()).isEqualTo(afterSecond);

			RestoreResult now = restore(harness, RestoreOptions.latest(this.dir.resolve("now.db")).at(Instant.now()));
			assertThat(now.position()).isEqualTo(afterThird);
			assertThat(rows(now)).containsExactly("second", "third");

			Instant beforeSnapshot = snapshot.createdAt().truncatedTo(ChronoUnit.SECONDS).minusMillis(1);
			Path none = this.dir.resolve("none.db");
			assertThatExceptionOfType(NoBackupException.class)
				.isThrownBy(() -> restore(harness, RestoreOptions.latest(none).at(beforeSnapshot)))
				.withMessageContaining("at or before " + beforeSnapshot);
			assertThat(none).doesNotExist();
		}
	}

	@Test
	void restoresExactlyTheStateOfAnIndex() throws Exception {
		try (S3ReplicaClient client = newClient();
				Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
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
					RestoreOptions.latest(this.dir.resolve("index1.db")).upToIndex(generation, 1));
			assertThat(index1.position()).isEqualTo(endOfIndex1);
			assertThat(Sql.dump(index1.path())).isEqualTo(atIndex1);
			assertThat(rows(index1)).containsExactly("index 0", "index 1", "index 1 again");

			RestoreResult index0 = restore(harness,
					RestoreOptions.latest(this.dir.resolve("index0.db")).upToIndex(null, 0));
			assertThat(index0.position()).isEqualTo(endOfIndex0);
			assertThat(Sql.dump(index0.path())).isEqualTo(atIndex0);

			RestoreResult latest = restore(harness, RestoreOptions.latest(this.dir.resolve("latest.db")));
			assertThat(latest.position()).isEqualTo(harness.database().position());
			assertThat(rows(latest)).containsExactly("index 1", "index 1 again", "index 2");
		}
	}

	private static S3ReplicaClient newClient() {
		return s3.newClient("pitr", "apps/app.db");
	}

	/** Sleeps into the next wall-clock second (plus a margin), so later uploads are listed in a later second. */
	private static void sleepIntoNextSecond() throws InterruptedException {
		Instant now = Instant.now();
		Instant target = now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1).plusMillis(150);
		Thread.sleep(Duration.between(now, target).toMillis());
	}

	private static WalSegmentInfo lastSegment(Harness harness) throws Exception {
		Generation generation = harness.database().position().generation();
		return harness.client().walSegments(generation).stream().max(WalSegmentInfo.BY_POSITION).orElseThrow();
	}

	private static RestoreResult restore(Harness harness, RestoreOptions options) throws Exception {
		return harness.restore(options.withParallelism(4));
	}

	private static List<String> rows(RestoreResult result) throws Exception {
		return Sql.dump(result.path()).get("t");
	}

}
