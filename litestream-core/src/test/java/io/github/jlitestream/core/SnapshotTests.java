package io.github.jlitestream.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.util.Failpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot is read from a frozen database file that holds exactly the state at its
 * position, so it restores on its own, before any segment of its index is in the store.
 */
class SnapshotTests {

	@TempDir
	Path dir;

	/**
	 * Audit finding 16 and the ground for writing a generation's first snapshot before
	 * its WAL: the application's checkpoints must not write into the database file while
	 * a snapshot reads it.
	 */
	@Test
	void theDatabaseFileDoesNotChangeWhileASnapshotReadsIt() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("PRAGMA wal_autocheckpoint = 0", "CREATE TABLE t (v TEXT)");
			harness.sync();
			for (int i = 0; i < 200; i++) {
				harness.execute("INSERT INTO t VALUES ('" + "r".repeat(500) + i + "')");
			}
			harness.database().sync(); // copied, not yet in the database file
			byte[][] seen = new byte[2][];
			harness.database().readSnapshot((position, databaseFile) -> {
				ByteArrayOutputStream read = new ByteArrayOutputStream();
				databaseFile.open().transferTo(read);
				seen[0] = read.toByteArray();
				try {
					// The application writes and checkpoints meanwhile.
					harness.execute("INSERT INTO t VALUES ('during the snapshot')", "PRAGMA wal_checkpoint(PASSIVE)");
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
				seen[1] = Files.readAllBytes(path);
				return null;
			});
			assertThat(seen[1]).as("the database file while the snapshot was read").isEqualTo(seen[0]);
			assertThat(new String(seen[0], StandardCharsets.ISO_8859_1)).contains("r".repeat(500) + 199);
		}
	}

	/**
	 * Two replicas snapshot at once (both start a generation, or their schedules
	 * coincide): the second snapshot's backfill must not change the file the first one is
	 * reading.
	 */
	@Test
	void aSecondSnapshotWaitsUntilTheFirstHasReadTheFile() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("PRAGMA wal_autocheckpoint = 0", "CREATE TABLE t (v TEXT)");
			harness.sync();
			byte[][] seen = new byte[2][];
			Thread[] second = new Thread[1];
			harness.database().readSnapshot((position, databaseFile) -> {
				seen[0] = Files.readAllBytes(path);
				try {
					// The application writes (a new WAL lifetime), then another replica's
					// snapshot starts.
					for (int i = 0; i < 100; i++) {
						harness.execute("INSERT INTO t VALUES ('" + "s".repeat(500) + i + "')");
					}
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
				second[0] = new Thread(() -> {
					try {
						harness.database().readSnapshot((p, in) -> null);
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
				});
				second[0].start();
				try {
					second[0].join(1000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				seen[1] = Files.readAllBytes(path);
				return null;
			});
			second[0].join(10_000);
			assertThat(seen[1]).as("the database file while the first snapshot was read").isEqualTo(seen[0]);
		}
	}

	/**
	 * A full local disk (the fault campaign's state disk, where spools live) does not
	 * keep a snapshot from the store: it is encoded while it uploads, and restores to
	 * every row.
	 */
	@Test
	void aSnapshotThatCannotSpoolIsEncodedWhileItUploads() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v BLOB)");
			for (int i = 0; i < 40; i++) {
				harness.execute("INSERT INTO t VALUES (randomblob(300000))");
			}
			List<String> failed = new ArrayList<>();
			Failpoints.set((name) -> {
				if (name.equals(Failpoints.SNAPSHOT_SPOOL)) {
					failed.add(name);
					throw new UncheckedIOException(new IOException("No space left on device"));
				}
			});
			try {
				harness.sync();
			}
			finally {
				Failpoints.set(null);
			}
			assertThat(failed).hasSize(1);
			Path restored = this.dir.resolve("restored.db");
			harness.restore(RestoreOptions.latest(restored));
			assertThat(Sql.integrityCheck(restored)).isEqualTo("ok");
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(harness.app()));
		}
	}

}
