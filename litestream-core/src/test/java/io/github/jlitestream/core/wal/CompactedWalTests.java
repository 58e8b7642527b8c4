package io.github.jlitestream.core.wal;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.util.List;
import java.util.Map;

import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A WAL index reduced to the last version of each page gives SQLite exactly the state at
 * the index's end, with far fewer frames when the same pages change again and again.
 */
class CompactedWalTests {

	@TempDir
	Path dir;

	@Test
	void aCompactedWalGivesTheSameStateAsTheWholeWal() throws Exception {
		Path db = this.dir.resolve("app.db");
		Path base = this.dir.resolve("base.db");
		try (Connection app = Sql.connect(db)) {
			Sql.execute(app, "PRAGMA auto_vacuum = INCREMENTAL", "VACUUM", "PRAGMA wal_autocheckpoint = 0",
					"CREATE TABLE hot (id INTEGER PRIMARY KEY, v TEXT)",
					"CREATE TABLE log (id INTEGER PRIMARY KEY, v TEXT)", "CREATE TABLE gone (v TEXT)");
			for (int i = 0; i < 20; i++) {
				Sql.execute(app, "INSERT INTO hot (v) VALUES ('row " + i + "')");
				Sql.execute(app, "INSERT INTO gone VALUES ('" + "g".repeat(3000) + "')");
			}
			Sql.execute(app, "PRAGMA wal_checkpoint(TRUNCATE)");
			Files.copy(db, base);
			for (int i = 0; i < 500; i++) {
				Sql.execute(app, "UPDATE hot SET v = 'update " + i + "' WHERE id = " + (1 + i % 20));
				if (i % 50 == 0) {
					Sql.execute(app, "INSERT INTO log (v) VALUES ('" + "x".repeat(5000) + i + "')");
				}
			}
			// the database shrinks within the index: pages beyond the end are dropped
			Sql.execute(app, "DROP TABLE gone", "PRAGMA incremental_vacuum");
			Path wal = this.dir.resolve("app.db-wal");
			Path whole = this.dir.resolve("whole.wal");
			Files.copy(wal, whole);
			Map<String, List<String>> expected = Sql.dump(app);
			Path compacted = this.dir.resolve("compacted.wal");

			CompactedWal.Result result = CompactedWal.compact(whole, compacted);

			assertThat(result.framesBefore()).isGreaterThan(500);
			assertThat(result.pages()).isLessThan(40);
			assertThat(Files.size(compacted)).isLessThan(Files.size(whole) / 10);
			assertThat(CompactedWal.isCompacted(WalHeader.parse(Files.readAllBytes(compacted)))).isTrue();
			assertThat(CompactedWal.isCompacted(WalHeader.parse(Files.readAllBytes(whole)))).isFalse();
			Path restored = this.dir.resolve("restored.db");
			Files.copy(base, restored);
			Files.copy(compacted, this.dir.resolve("restored.db-wal"));
			assertThat(Sql.dump(restored)).isEqualTo(expected);
			assertThat(Sql.integrityCheck(restored)).isEqualTo("ok");
		}
	}

	@Test
	void aWalThatDoesNotEndOnACommitIsNotCompacted() throws Exception {
		Path db = this.dir.resolve("app.db");
		try (Connection app = Sql.connect(db)) {
			Sql.execute(app, "PRAGMA wal_autocheckpoint = 0", "CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('a')");
			Path whole = this.dir.resolve("whole.wal");
			Files.copy(this.dir.resolve("app.db-wal"), whole, StandardCopyOption.REPLACE_EXISTING);
			try (RandomAccessFile file = new RandomAccessFile(whole.toFile(), "rw")) {
				file.setLength(file.length() - 100);
			}
			assertThatExceptionOfType(InvalidWalException.class)
				.isThrownBy(() -> CompactedWal.compact(whole, this.dir.resolve("out.wal")))
				.withMessageContaining("does not end on a commit");
		}
	}

}
