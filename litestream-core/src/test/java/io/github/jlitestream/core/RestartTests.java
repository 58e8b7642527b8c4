package io.github.jlitestream.core;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping and starting replication: the generation survives when continuity provably
 * holds, and a foreign change that breaks it starts a new one, after which restore still
 * gives the newest state.
 */
class RestartTests {

	@TempDir
	Path dir;

	@Test
	void keepsGenerationWhenApplicationKeepsItsConnection() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('before')");
			harness.sync();
			Generation before = harness.database().position().generation();
			harness.closeEngine();
			harness.openEngine();
			harness.execute("INSERT INTO t VALUES ('after')");
			harness.sync();
			assertThat(harness.database().position().generation()).isEqualTo(before);
			assertThat(harness.client().generations()).containsExactly(before);
			assertRestoresTo(harness, path);
		}
	}

	@Test
	void removesUploadSpoolsACrashLeftBehind() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)");
			harness.sync();
			harness.closeEngine();
			Path spool = this.dir.resolve(".app.db-litestream/tmp/spool-123.tmp");
			Files.createDirectories(spool.getParent());
			Files.write(spool, new byte[1024]);
			harness.openEngine();
			assertThat(spool).doesNotExist();
		}
	}

	@Test
	void keepsGenerationWhenSqliteDeletedTheWalAfterACleanShutdown() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('before')");
			harness.sync();
			Generation before = harness.database().position().generation();
			long index = harness.database().position().index();
			harness.closeEngine();
			// the last connection: SQLite checkpoints and deletes the WAL
			harness.closeApp();
			assertThat(path.resolveSibling("app.db-wal")).doesNotExist();
			harness.reopenApp();
			harness.execute("INSERT INTO t VALUES ('after')");
			harness.openEngine();
			harness.sync();
			assertThat(harness.database().position().generation()).isEqualTo(before);
			assertThat(harness.database().position().index()).isEqualTo(index + 1);
			assertRestoresTo(harness, path);
		}
	}

	@Test
	void startsNewGenerationWhenTheDatabaseChangedWhileStopped() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('before')");
			harness.sync();
			Generation before = harness.database().position().generation();
			harness.closeEngine();
			harness.execute("INSERT INTO t VALUES ('written while stopped')");
			// checkpoints the foreign write into the database file and deletes the WAL
			harness.closeApp();
			harness.reopenApp();
			harness.openEngine();
			harness.sync();
			assertThat(harness.database().position().generation()).isNotEqualTo(before);
			assertRestoresTo(harness, path);
		}
	}

	@Test
	void continuesWithWritesThatOnlyReachedTheWalWhileStopped() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('before')");
			harness.sync();
			Generation before = harness.database().position().generation();
			harness.closeEngine();
			harness.execute("INSERT INTO t VALUES ('written while stopped')");
			harness.openEngine();
			harness.sync();
			assertThat(harness.database().position().generation()).isEqualTo(before);
			assertRestoresTo(harness, path);
		}
	}

	@Test
	void startsNewGenerationWhenAnotherProcessTruncatesTheWal() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)");
			for (int i = 0; i < 20; i++) {
				harness.execute("INSERT INTO t VALUES ('row " + i + "')");
			}
			harness.sync();
			// Frames the database file does not hold yet (the first snapshot backfilled
			// the WAL), then the cut
			for (int i = 20; i < 40; i++) {
				harness.execute("INSERT INTO t VALUES ('row " + i + "')");
			}
			harness.sync();
			Generation before = harness.database().position().generation();
			try (RandomAccessFile wal = new RandomAccessFile(path.resolveSibling("app.db-wal").toFile(), "rw")) {
				wal.setLength(wal.length() / 2); // what a careless tool might do
			}
			harness.execute("INSERT INTO t VALUES ('after truncation')");
			harness.sync();
			assertThat(harness.database().position().generation()).isNotEqualTo(before);
		}
	}

	@Test
	void startsNewGenerationWhenTheDatabaseFileIsReplaced() throws Exception {
		Path path = this.dir.resolve("app.db");
		Path other = this.dir.resolve("other.db");
		try (Connection connection = Sql.connect(other)) {
			Sql.execute(connection, "CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('from the other file')",
					"PRAGMA wal_checkpoint(TRUNCATE)");
		}
		FileReplicaClient client = new FileReplicaClient(this.dir.resolve("replica"));
		ReplicationManager manager = new ReplicationManager();
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('original')");
			DatabaseReplication replication = manager.add("app",
					DatabaseOptions.builder(path).monitorInterval(Duration.ofMillis(50)).build(),
					List.of(new ReplicationManager.ReplicaSpec(client,
							ReplicaOptions.builder("r").syncInterval(Duration.ofMillis(50)).build())));
			manager.start();
			waitFor(() -> client.generations().size() == 1);
			Generation first = client.generations().get(0);
			app.close();
			// The old file's WAL and shared memory go first: removed after the move, they
			// could be those that the engine, quick to reopen the new file, had just
			// created for it.
			Files.deleteIfExists(path.resolveSibling("app.db-wal"));
			Files.deleteIfExists(path.resolveSibling("app.db-shm"));
			Files.move(other, path, StandardCopyOption.REPLACE_EXISTING);
			waitFor(() -> client.generations().size() == 2);
			assertThat(replication.database().position().generation()).isNotEqualTo(first);
		}
		finally {
			manager.stop();
		}
		Path restored = this.dir.resolve("restored.db");
		new Restorer(new Lz4FrameCodec()).restore(client, RestoreOptions.latest(restored), RestoreProgress.NONE);
		assertThat(Sql.dump(restored).get("t")).containsExactly("from the other file");
	}

	private void assertRestoresTo(Harness harness, Path source) throws Exception {
		Path restored = this.dir.resolve("restored-" + System.nanoTime() + ".db");
		harness.restore(RestoreOptions.latest(restored));
		assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(harness.app()));
	}

	private static void waitFor(Check check) throws Exception {
		long deadline = System.currentTimeMillis() + 10_000;
		while (!check.ok()) {
			if (System.currentTimeMillis() > deadline) {
				throw new AssertionError("condition not met in 10 s");
			}
			Thread.sleep(50);
		}
	}

	@FunctionalInterface
	private interface Check {

		boolean ok() throws Exception;

	}

}
