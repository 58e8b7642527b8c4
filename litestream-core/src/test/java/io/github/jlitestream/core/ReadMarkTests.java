package io.github.jlitestream.core;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's read transaction must mark the end of what it copied: no other connection
 * may backfill past it or restart the WAL over frames it has not copied, and anything
 * before it may be backfilled. SQLite puts a read transaction on the database file alone
 * (read slot 0) when the WAL is fully backfilled; there it blocks every backfill instead,
 * and the application's auto-checkpoint, blocked, first sorted the whole WAL's frames
 * after every commit: the application kept a quarter of its write throughput.
 */
class ReadMarkTests {

	@TempDir
	Path dir;

	@Test
	void afterItsRestartCheckpointTheEngineHoldsBackTheApplicationsBackfill() throws Exception {
		try (Harness harness = new Harness(this.dir.resolve("app.db"), replica())) {
			harness.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t (v) VALUES ('a')");
			harness.sync();
			assertThat(harness.database().checkpoint(CheckpointMode.RESTART)).as("a new WAL index").isTrue();
			harness.database().sync();
			int copiedFrames = copiedFrames(harness);
			insert(harness, 5); // not copied yet

			int[] result = applicationCheckpoint(harness);
			assertThat(result[2]).as("frames the application could backfill, of %d: those the engine copied", result[1])
				.isEqualTo(copiedFrames)
				.isLessThan(result[1]);
			assertRestoresEverything(harness, 6);
		}
	}

	@Test
	void atOpenOnAFullyBackfilledWalTheFirstCopyTakesAReadMark() throws Exception {
		try (Harness harness = new Harness(this.dir.resolve("app.db"), replica())) {
			harness.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t (v) VALUES ('a')");
			harness.sync();
			// backfills the whole WAL; the application keeps it open
			harness.closeEngine();
			harness.openEngine();
			insert(harness, 1);
			harness.sync();
			int copiedFrames = copiedFrames(harness);
			insert(harness, 5); // not copied yet

			int[] result = applicationCheckpoint(harness);
			assertThat(result[2]).as("frames the application could backfill, of %d: those the engine copied", result[1])
				.isEqualTo(copiedFrames)
				.isLessThan(result[1]);
			assertRestoresEverything(harness, 7);
		}
	}

	private FileReplicaClient replica() {
		return new FileReplicaClient(this.dir.resolve("replica"));
	}

	private static void insert(Harness harness, int rows) throws SQLException {
		for (int i = 0; i < rows; i++) {
			harness.execute("INSERT INTO t (v) VALUES ('row " + i + "')");
		}
	}

	private static int copiedFrames(Harness harness) {
		int frames = (int) ((harness.database().position().offset() - 32) / (24 + 4096));
		assertThat(frames).isPositive();
		return frames;
	}

	/**
	 * What the application's auto-checkpoint does: busy flag, frames in the WAL, frames
	 * backfilled.
	 */
	private static int[] applicationCheckpoint(Harness harness) throws SQLException {
		try (Statement statement = harness.app().createStatement();
				ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
			rs.next();
			return new int[] { rs.getInt(1), rs.getInt(2), rs.getInt(3) };
		}
	}

	private void assertRestoresEverything(Harness harness, int rows) throws Exception {
		harness.sync();
		Path restored = this.dir.resolve("restored.db");
		harness.restore(RestoreOptions.latest(restored));
		assertThat(Sql.count(restored, "t")).isEqualTo(rows);
		assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(harness.app()));
	}

}
