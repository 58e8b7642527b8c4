package io.github.jlitestream.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.github.jlitestream.core.ReplicaStatus.LeaseStatus;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.lease.LeaseRole;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Replications;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One writer per database file and per replica, with two engines in this JVM standing for
 * two instances of an application: the local lock makes the second engine on a file a
 * standby, and the replica's lease keeps an engine with another file from writing a
 * replica that the first holds.
 */
class SingleWriterTests {

	@TempDir
	Path dir;

	@Test
	void secondEngineOnTheSameFileStandsByAndTakesOverTheGeneration() throws Exception {
		Path path = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			ReplicationManager first = Replications.instance(path, replica);
			ReplicationManager second = Replications.instance(path, replica);
			first.start();
			Replications.insert(app, 1, 50);
			second.start();
			DatabaseStatus standby = second.status().get(0);
			assertThat(standby.role()).isEqualTo(ReplicationRole.STANDBY);
			assertThat(standby.localHolder().pid()).isEqualTo(ProcessHandle.current().pid());
			assertThat(standby.localHolder().instance()).isEqualTo(first.instance());
			assertThat(standby.position()).as("the standby opened nothing").isNull();
			Replications.insert(app, 51, 100);
			Replications.awaitCaughtUp(first);
			Generation generation = first.status().get(0).position().generation();
			assertThat(first.stop()).isTrue();
			// the standby polls the lock every 100 ms and takes the lease at once (its
			// own
			// local directory's, released)
			Await.until(Duration.ofSeconds(20), () -> second.status().get(0).role() == ReplicationRole.PRIMARY
					&& second.status().get(0).replicas().get(0).writer());
			Replications.insert(app, 101, 150);
			Replications.awaitCaughtUp(second);
			assertThat(second.status().get(0).position().generation()).as("no generation started by the overlap")
				.isEqualTo(generation);
			assertThat(second.stop()).isTrue();
			assertThat(new FileReplicaClient(replica).generations()).containsExactly(generation);
			Path restored = this.dir.resolve("restored.db");
			new Restorer(new Lz4FrameCodec()).restore(new FileReplicaClient(replica), RestoreOptions.latest(restored),
					RestoreProgress.NONE);
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(app));
		}
	}

	@Test
	void engineAfterAGracefulStopKeepsTheGenerationWhenTheWalRestartsBeforeItsFirstCopy() throws Exception {
		// The next engine opens the WAL as the stop left it, wholly backfilled; the
		// application's next commit restarts it and overwrites its old tail before that
		// engine copies anything.
		Path path = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			ReplicationManager first = Replications.instance(path, replica);
			first.start();
			Replications.insert(app, 1, 50);
			Replications.awaitCaughtUp(first);
			Generation generation = first.status().get(0).position().generation();
			assertThat(first.stop()).isTrue();
			ReplicationManager second = Replications.instance(path, replica);
			second.start();
			Sql.execute(app, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
					+ "INSERT INTO t (id, v) SELECT i + 1000, hex(randomblob(2000)) FROM n");
			Replications.awaitCaughtUp(second);
			assertThat(second.status().get(0).position().generation()).isEqualTo(generation);
			assertThat(second.stop()).isTrue();
			Path restored = this.dir.resolve("restored.db");
			new Restorer(new Lz4FrameCodec()).restore(new FileReplicaClient(replica), RestoreOptions.latest(restored),
					RestoreProgress.NONE);
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(app));
		}
	}

	@Test
	void engineWithAnotherFileWaitsForTheReplicaAndStartsItsOwnGeneration() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path firstPath = this.dir.resolve("first/app.db");
		Path secondPath = this.dir.resolve("second/app.db");
		Files.createDirectories(firstPath.getParent());
		Files.createDirectories(secondPath.getParent());
		try (Connection firstApp = Sql.connect(firstPath); Connection secondApp = Sql.connect(secondPath)) {
			Sql.execute(firstApp, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			Sql.execute(secondApp, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			ReplicationManager first = Replications.instance(firstPath, replica);
			ReplicationManager second = Replications.instance(secondPath, replica);
			first.start();
			Replications.insert(firstApp, 1, 40);
			Replications.awaitCaughtUp(first);
			second.start();
			Replications.insert(secondApp, 1000, 1020);
			Await.until(Duration.ofSeconds(20), () -> lease(second).role() == LeaseRole.STANDBY);
			LeaseStatus waiting = lease(second);
			assertThat(waiting.holder().instance()).isEqualTo(first.instance());
			assertThat(waiting.holder().database()).isEqualTo(firstPath.toAbsolutePath().toString());
			assertThat(second.status().get(0).role()).as("its own file is replicated locally")
				.isEqualTo(ReplicationRole.PRIMARY);
			// the standby keeps no shadow WAL of a generation the store does not hold
			for (int i = 0; i < 5; i++) {
				Replications.insert(secondApp, 2000 + i, 2000 + i);
				second.databases().get(0).database().checkpoint(CheckpointMode.RESTART);
			}
			Replications.insert(secondApp, 2100, 2100);
			Await.until(Duration.ofSeconds(20), () -> shadowFiles(secondPath) <= 2);
			Generation firstGeneration = first.status().get(0).position().generation();
			Replications.insert(firstApp, 41, 80);
			Replications.awaitCaughtUp(first);
			Thread.sleep(300);
			assertThat(new FileReplicaClient(replica).generations()).as("the standby wrote nothing")
				.containsExactly(firstGeneration);
			assertThat(first.stop()).isTrue();
			Await.until(Duration.ofSeconds(20), () -> lease(second).role() == LeaseRole.PRIMARY);
			Replications.insert(secondApp, 1021, 1030);
			Replications.awaitCaughtUp(second);
			Generation secondGeneration = second.status().get(0).position().generation();
			assertThat(secondGeneration).isNotEqualTo(firstGeneration);
			assertThat(second.stop()).isTrue();
			FileReplicaClient client = new FileReplicaClient(replica);
			assertThat(client.generations()).containsExactlyInAnyOrder(firstGeneration, secondGeneration);
			Path latest = this.dir.resolve("latest.db");
			Path older = this.dir.resolve("older.db");
			Restorer restorer = new Restorer(new Lz4FrameCodec());
			restorer.restore(client, RestoreOptions.latest(latest), RestoreProgress.NONE);
			restorer.restore(client, RestoreOptions.builder(older).generation(firstGeneration).build(),
					RestoreProgress.NONE);
			assertThat(Sql.dump(latest)).isEqualTo(Sql.dump(secondApp));
			assertThat(Sql.dump(older)).isEqualTo(Sql.dump(firstApp));
		}
	}

	@Test
	void newInstanceWaitsForTheOldOnesFinalSyncBeforeRestoring() throws Exception {
		// A deploy that starts the new instance (on a fresh disk) while the old one
		// still writes, and stops the old one after: the new one restores only once the
		// old one released the lease after its final sync.
		Path replica = this.dir.resolve("replica");
		Path oldPath = this.dir.resolve("old/app.db");
		Path newPath = this.dir.resolve("new/app.db");
		Files.createDirectories(oldPath.getParent());
		Files.createDirectories(newPath.getParent());
		try (Connection oldApp = Sql.connect(oldPath)) {
			Sql.execute(oldApp, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			ReplicationManager old = Replications.instance(oldPath, replica);
			old.start();
			Replications.insert(oldApp, 1, 20);
			Replications.awaitCaughtUp(old);
			ReplicationManager fresh = Replications.instance(newPath, replica);
			DatabaseReplication replication = fresh.databases().get(0);
			AtomicReference<Boolean> waited = new AtomicReference<>();
			Thread restore = new Thread(() -> {
				try {
					waited.set(replication.awaitLeasesFree(Duration.ofSeconds(30)));
					replication.restoreIfMissing(4, RestoreProgress.NONE);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			restore.start();
			// the old instance goes on until its stop; a sync interval is 50 ms
			for (int i = 21; i <= 60; i++) {
				Replications.insert(oldApp, i, i);
				Thread.sleep(10);
			}
			assertThat(restore.isAlive()).as("the new instance waits").isTrue();
			assertThat(old.stop()).isTrue();
			restore.join(30_000);
			assertThat(waited.get()).isTrue();
			assertThat(Sql.dump(newPath)).isEqualTo(Sql.dump(oldApp));
		}
	}

	private static LeaseStatus lease(ReplicationManager manager) {
		return manager.status().get(0).replicas().get(0).lease();
	}

	/** The shadow WAL files in the engine's local directory of {@code path}. */
	private static long shadowFiles(Path path) throws Exception {
		Path local = path.resolveSibling("." + path.getFileName() + "-litestream").resolve("generations");
		if (!Files.exists(local)) {
			return 0;
		}
		try (Stream<Path> files = Files.walk(local)) {
			return files.filter((file) -> file.toString().endsWith(".wal")).count();
		}
	}

}
