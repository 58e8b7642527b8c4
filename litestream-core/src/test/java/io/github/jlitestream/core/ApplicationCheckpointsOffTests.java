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
 * Litestream's tip for write-heavy services, which the README recommends with this engine too: the application's
 * connections set {@code PRAGMA wal_autocheckpoint = 0} and leave checkpoints to the engine (under a stream of commits
 * the application's own attempts, each blocked by the engine's read mark, cost its writer a tenth of its speed). The
 * engine alone must then keep the WAL bounded, and lose nothing.
 */
class ApplicationCheckpointsOffTests {

	private static final int MAX_PAGES = 200;

	@TempDir
	Path dir;

	@Test
	void theEngineAloneKeepsTheWalBoundedAndEveryRowRestores() throws Exception {
		Path path = this.dir.resolve("app.db");
		DatabaseOptions options = DatabaseOptions.of(path)
			.withMonitorInterval(Duration.ofMillis(1))
			.withCheckpointPageCounts(50, MAX_PAGES, 0);
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")), options,
				Clock.systemUTC())) {
			harness.execute("PRAGMA wal_autocheckpoint = 0", "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)");
			assertThat(applicationAutocheckpoint(harness)).isZero();
			long largestWal = 0;
			for (int commit = 0; commit < 3_000; commit++) {
				// Each row overflows into new pages: about 2 frames per commit, 6,000 in all, 30 times the maximum.
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
