package io.github.jlitestream.core;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a stop records and what the next start may conclude from it: a graceful stop
 * uploads everything the engine copied, and the clean-shutdown record proves that the
 * database did not change meanwhile by its content, so that a change the file's metadata
 * cannot show (the same size, within one timestamp tick) starts a new generation.
 */
class CleanShutdownTests {

	@TempDir
	Path dir;

	/**
	 * Audit finding 3, with the coarse clock simulated: the modification time of the
	 * database file is set back to what a file system with one-second timestamps would
	 * have kept.
	 */
	@Test
	void aSameSizeChangeWithinOneTimestampTickIsNoticed() throws Exception {
		sameSizeChangeAfterACleanShutdown(this.dir, true);
	}

	/**
	 * Audit finding 3 on a real file system with one-second timestamps (ext4 with
	 * 128-byte inodes, on a loop device): needs root and loop devices, else skipped; the
	 * simulated test above always runs.
	 */
	@Test
	void aSameSizeChangeIsNoticedOnAFileSystemWithOneSecondTimestamps() throws Exception {
		try (CoarseFileSystem fs = CoarseFileSystem.mount(this.dir)) {
			Assumptions.assumeTrue(fs != null, "needs root, mkfs.ext4 and a loop device");
			sameSizeChangeAfterACleanShutdown(fs.root(), false);
		}
	}

	private void sameSizeChangeAfterACleanShutdown(Path root, boolean simulateCoarseClock) throws Exception {
		Path path = root.resolve("app.db");
		FileReplicaClient client = new FileReplicaClient(root.resolve("replica"));
		try (Harness harness = new Harness(path, client)) {
			harness.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'before')",
					"CREATE TABLE u (id INTEGER PRIMARY KEY, v TEXT)");
			harness.sync();
			harness.closeEngine();
			FileTime recorded = Files.getLastModifiedTime(path);
			// Right after the engine's record: an update of the same size, then the
			// application's last connection closes, so SQLite checkpoints it into the
			// database file and deletes the WAL.
			harness.execute("UPDATE t SET v = 'AFTER!' WHERE id = 1");
			harness.closeApp();
			if (simulateCoarseClock) {
				Files.setLastModifiedTime(path, recorded);
			}
			harness.reopenApp();
			harness.execute("INSERT INTO u VALUES (2, 'later')");
			harness.openEngine();
			harness.sync();
			Path restored = root.resolve("restored.db");
			harness.restore(RestoreOptions.latest(restored));
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(harness.app()));
		}
	}

	/**
	 * After a clean shutdown with nothing changed, the next start keeps the generation:
	 * no full snapshot again.
	 */
	@Test
	void anUnchangedDatabaseKeepsItsGenerationAfterACleanShutdown() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('a')");
			harness.sync();
			Generation before = harness.database().position().generation();
			harness.closeEngine();
			harness.closeApp();
			harness.reopenApp();
			harness.execute("INSERT INTO t VALUES ('b')");
			harness.openEngine();
			harness.sync();
			assertThat(harness.database().position().generation()).isEqualTo(before);
		}
	}

	/**
	 * The next engine opens the WAL as the clean shutdown left it, wholly backfilled (a
	 * standby taking over on the same file does); the application's next commit restarts
	 * it and overwrites its old tail before that engine copies anything. The database
	 * file is unchanged since the shutdown, so the restart is the next index, not a new
	 * generation.
	 */
	@Test
	void aWalRestartedRightAfterTheNextOpenKeepsTheGeneration() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			for (int i = 1; i <= 50; i++) {
				harness.execute("INSERT INTO t (id, v) VALUES (" + i + ", 'row " + i + "')");
			}
			harness.sync();
			Generation before = harness.database().position().generation();
			harness.closeEngine();
			harness.openEngine();
			harness.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
					+ "INSERT INTO t (id, v) SELECT i + 1000, hex(randomblob(2000)) FROM n");
			harness.sync();
			assertThat(harness.database().position().generation()).isEqualTo(before);
			assertThat(harness.database().position().index()).isPositive();
			Path restored = this.dir.resolve("restored.db");
			harness.restore(RestoreOptions.latest(restored));
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(harness.app()));
		}
	}

	/**
	 * The application truncated the WAL twice while the engine was stopped: nothing is
	 * lost, but the next index would look like one that skipped a lifetime, and a restore
	 * refuses that; the generation ends there instead.
	 */
	@Test
	void aWalTruncatedTwiceWhileStoppedStartsANewGenerationThatRestores() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Harness harness = new Harness(path, new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('a')");
			harness.sync();
			harness.closeEngine();
			harness.execute("PRAGMA wal_checkpoint(TRUNCATE)", "PRAGMA wal_checkpoint(TRUNCATE)",
					"INSERT INTO t VALUES ('b')");
			harness.openEngine();
			harness.sync();
			Path restored = this.dir.resolve("restored.db");
			harness.restore(RestoreOptions.latest(restored));
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(harness.app()));
		}
	}

	/**
	 * Audit finding 15: the last frames were copied by close() after the final upload, so
	 * a stop that reported every replica complete left commits in the local shadow WAL
	 * only (lost with an ephemeral disk).
	 */
	@Test
	void aGracefulStopUploadsEverythingTheEngineCopied() throws Exception {
		Path path = this.dir.resolve("app.db");
		FileReplicaClient client = new FileReplicaClient(this.dir.resolve("replica"));
		CommitDuringFinalSync listener = new CommitDuringFinalSync();
		ReplicationManager manager = new ReplicationManager(listener, Clock.systemUTC());
		DatabaseReplication replication = manager
			.add("app", DatabaseOptions.builder(path).monitorInterval(Duration.ofMillis(50)).build(), List
				.of(new ReplicaSpec(client, ReplicaOptions.builder("r").syncInterval(Duration.ofMillis(50)).build())));
		try (Connection app = Sql.connect(path)) {
			listener.app = app;
			Sql.execute(app, "CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('a')");
			manager.start();
			Sql.execute(app, "INSERT INTO t VALUES ('b')");
			assertThat(manager.stop()).isTrue();
			assertThat(listener.committed).as("a commit landed during the final sync").isTrue();
			Position copied = replication.database().position();
			Position uploaded = replication.replicas().get(0).position();
			assertThat(uploaded).as("everything the engine copied is in the store").isEqualTo(copied);
			Path restored = this.dir.resolve("restored.db");
			new Restorer(ReplicaCodec.litestream()).restore(client, RestoreOptions.latest(restored),
					RestoreProgress.NONE);
			assertThat(Sql.dump(restored).get("t")).startsWith("a", "b");
		}
	}

	/** Commits a row, once, when the final sync of a stop reports. */
	private static final class CommitDuringFinalSync implements ReplicationListener {

		volatile boolean committed;

		volatile @Nullable Connection app;

		@Override
		public void onSync(String database, String replica, Duration duration, @Nullable Throwable failure) {
			Connection connection = this.app;
			// the final sync runs on a thread of its own, bounded by the stop's timeout
			boolean finalSync = Thread.currentThread().getName().startsWith("litestream-final-sync-");
			if (finalSync && !this.committed && connection != null) {
				try {
					Sql.execute(connection, "INSERT INTO t VALUES ('during the final sync')");
					this.committed = true;
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}

	}

	/**
	 * An ext4 file system with 128-byte inodes (one-second timestamps) on a loop device,
	 * mounted for a test.
	 */
	private record CoarseFileSystem(Path image, Path root) implements AutoCloseable {

		static @Nullable CoarseFileSystem mount(Path dir) throws Exception {
			if (!"root".equals(System.getProperty("user.name"))) {
				return null;
			}
			Path image = dir.resolve("coarse.img");
			Path root = dir.resolve("coarse");
			Files.createDirectories(root);
			try (var file = new RandomAccessFile(image.toFile(), "rw")) {
				file.setLength(32L * 1024 * 1024);
			}
			if (!run("mkfs.ext4", "-q", "-F", "-I", "128", image.toString())
					|| !run("mount", "-o", "loop", image.toString(), root.toString())) {
				return null;
			}
			return new CoarseFileSystem(image, root);
		}

		@Override
		public void close() throws Exception {
			// Lazily: the engine keeps one read handle per database file open for the
			// life of the process.
			run("umount", "-l", this.root.toString());
		}

		private static boolean run(String... command) throws IOException, InterruptedException {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return false;
			}
			return process.exitValue() == 0;
		}

	}

}
