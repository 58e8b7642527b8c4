package io.github.jlitestream.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;

import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's advice for write-heavy services: the application's
 * {@code PRAGMA wal_autocheckpoint} above the engine's max checkpoint page count, so that
 * the engine's checkpoints are the only ones while it runs (under a stream of commits the
 * application's own attempts, each held back by the engine's read mark, cost its writer
 * several percent of its speed), and SQLite's take over when it stops. The engine alone
 * must keep the WAL bounded and lose nothing (checked with the application's checkpoints
 * off altogether, Litestream's tip), and after it stops SQLite's must.
 */
class ApplicationCheckpointsOffTests {

	private static final int MAX_PAGES = 200;

	@TempDir
	Path dir;

	@Test
	void theEngineAloneKeepsTheWalBoundedAndEveryRowRestores() throws Exception {
		Path path = this.dir.resolve("app.db");
		DatabaseOptions options = DatabaseOptions.builder(path)
			.monitorInterval(Duration.ofMillis(1))
			.minCheckpointPageCount(50)
			.maxCheckpointPageCount(MAX_PAGES)
			.truncatePageCount(0)
			.build();
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")), options,
				Clock.systemUTC())) {
			harness.execute("PRAGMA wal_autocheckpoint = 0", "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
			assertThat(applicationAutocheckpoint(harness)).isZero();
			long largestWal = 0;
			for (int commit = 0; commit < 3_000; commit++) {
				// Each row overflows into new pages: about 2 frames per commit, 6,000 in
				// all, 30 times the maximum.
				harness.execute("INSERT INTO t (v) VALUES (randomblob(5000))");
				if (commit % 10 == 0) {
					harness.database().sync();
					largestWal = Math.max(largestWal, Files.size(wal(path)));
				}
				if (commit % 500 == 0) {
					harness.sync();
				}
			}
			harness.sync();

			long frameBytes = 24 + 4096;
			assertThat(largestWal).as("largest WAL seen, in bytes")
				.isLessThanOrEqualTo(32 + frameBytes * (MAX_PAGES + 40));
			assertThat(harness.database().position().index()).as("WAL restarts, each a new index")
				.isGreaterThanOrEqualTo(20);
			Path restored = this.dir.resolve("restored.db");
			harness.restore(RestoreOptions.latest(restored));
			assertThat(Sql.count(restored, "t")).isEqualTo(3_000);
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(harness.app()));
		}
	}

	@Test
	void whenReplicationStopsTheApplicationsOwnCheckpointsBoundTheWal() throws Exception {
		Path path = this.dir.resolve("app.db");
		DatabaseOptions options = DatabaseOptions.builder(path)
			.minCheckpointPageCount(50)
			.maxCheckpointPageCount(MAX_PAGES)
			.truncatePageCount(0)
			.build();
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")), options,
				Clock.systemUTC())) {
			harness.execute("PRAGMA wal_autocheckpoint = " + 2 * MAX_PAGES,
					"CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
			harness.sync();
			harness.closeEngine();
			long largestWal = 0;
			for (int commit = 0; commit < 3_000; commit++) {
				harness.execute("INSERT INTO t (v) VALUES (randomblob(5000))");
				largestWal = Math.max(largestWal, Files.size(wal(path)));
			}
			assertThat(largestWal).as("largest WAL seen, in bytes")
				.isLessThanOrEqualTo(32 + (24 + 4096) * (2 * MAX_PAGES + 10));
			assertThat(Sql.count(harness.app(), "t")).isEqualTo(3_000);
		}
	}

	private static Path wal(Path database) {
		return database.resolveSibling(database.getFileName() + "-wal");
	}

	private static int applicationAutocheckpoint(Harness harness) throws SQLException {
		try (Statement statement = harness.app().createStatement();
				ResultSet rs = statement.executeQuery("PRAGMA wal_autocheckpoint")) {
			rs.next();
			return rs.getInt(1);
		}
	}

}
