package io.github.jlitestream.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.LitestreamBinary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance that restored the newest state of a generation at start (a fresh disk)
 * continues that generation at its next WAL index, with no new snapshot of the whole
 * database; one whose generation another instance wrote further meanwhile goes on in a
 * new generation.
 */
class RestoreContinuationTests {

	@TempDir
	Path dir;

	@Test
	void restoredDatabaseContinuesItsGenerationWithoutANewSnapshot() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path first = this.dir.resolve("first/app.db");
		Path second = this.dir.resolve("second/app.db");
		Files.createDirectories(first.getParent());
		Files.createDirectories(second.getParent());
		Generation generation;
		Position end;
		try (Connection app = Sql.connect(first)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			ReplicationManager old = manager(first, replica);
			old.start();
			insert(app, 1, 100);
			old.databases().get(0).database().checkpoint(CheckpointMode.RESTART);
			insert(app, 101, 120);
			awaitCaughtUp(old);
			assertThat(old.stop()).isTrue();
			end = old.status().get(0).replicas().get(0).position();
			generation = end.generation();
		}
		FileReplicaClient client = new FileReplicaClient(replica);
		int snapshots = client.snapshots(generation).size();
		ReplicationManager fresh = manager(second, replica);
		assertThat(fresh.databases().get(0).restoreIfMissing(4, RestoreProgress.NONE)).isPresent();
		fresh.start();
		try (Connection app = Sql.connect(second)) {
			insert(app, 121, 150);
			awaitCaughtUp(fresh);
			Position now = fresh.status().get(0).position();
			assertThat(now.generation()).isEqualTo(generation);
			assertThat(now.index()).isEqualTo(end.index() + 1);
			assertThat(fresh.stop()).isTrue();
			assertThat(client.generations()).containsExactly(generation);
			assertThat(client.snapshots(generation)).as("no new snapshot").hasSize(snapshots);
			Path restored = this.dir.resolve("restored.db");
			new Restorer(new Lz4FrameCodec()).restore(client, RestoreOptions.latest(restored), RestoreProgress.NONE);
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(app));
			assertThat(Sql.count(restored, "t")).isEqualTo(150);
			Path byLitestream = this.dir.resolve("restored-by-litestream.db");
			LitestreamBinary.Result result = LitestreamBinary.run(this.dir, 120, "restore", "-o",
					byLitestream.toString(), replica.toUri().toString());
			assertThat(result.exitCode()).as(result.output()).isZero();
			assertThat(Sql.dump(byLitestream)).isEqualTo(Sql.dump(app));
		}
	}

	@Test
	void restoredDatabaseWhoseGenerationWasWrittenFurtherStartsANewOne() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path first = this.dir.resolve("first/app.db");
		Path second = this.dir.resolve("second/app.db");
		Files.createDirectories(first.getParent());
		Files.createDirectories(second.getParent());
		try (Connection oldApp = Sql.connect(first)) {
			Sql.execute(oldApp, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			ReplicationManager old = manager(first, replica);
			old.start();
			insert(oldApp, 1, 50);
			awaitCaughtUp(old);
			Generation generation = old.status().get(0).position().generation();
			// the new instance restores while the old one still writes
			ReplicationManager fresh = manager(second, replica);
			assertThat(fresh.databases().get(0).restoreIfMissing(4, RestoreProgress.NONE)).isPresent();
			insert(oldApp, 51, 80);
			awaitCaughtUp(old);
			fresh.start();
			try (Connection newApp = Sql.connect(second)) {
				insert(newApp, 1000, 1010);
				assertThat(old.stop()).isTrue();
				await(() -> {
					Position position = fresh.status().get(0).replicas().get(0).position();
					return position != null && !position.generation().equals(generation);
				});
				insert(newApp, 1011, 1020);
				awaitCaughtUp(fresh);
				assertThat(fresh.stop()).isTrue();
				Restorer restorer = new Restorer(new Lz4FrameCodec());
				FileReplicaClient client = new FileReplicaClient(replica);
				Path latest = this.dir.resolve("latest.db");
				Path older = this.dir.resolve("older.db");
				restorer.restore(client, RestoreOptions.latest(latest), RestoreProgress.NONE);
				restorer.restore(client, RestoreOptions.builder(older).generation(generation).build(),
						RestoreProgress.NONE);
				assertThat(Sql.dump(latest)).isEqualTo(Sql.dump(newApp));
				assertThat(Sql.dump(older)).isEqualTo(Sql.dump(oldApp));
			}
		}
	}

	private ReplicationManager manager(Path path, Path replica) {
		ReplicationManager manager = new ReplicationManager();
		manager.add("app", DatabaseOptions.builder(path).monitorInterval(Duration.ofMillis(50)).build(),
				List.of(new ReplicaSpec(new FileReplicaClient(replica),
						ReplicaOptions.builder("file")
							.syncInterval(Duration.ofMillis(50))
							.leaseTtl(Duration.ofSeconds(3))
							.build())),
				new Lz4FrameCodec());
		return manager;
	}

	private static void insert(Connection app, int from, int to) throws Exception {
		for (int i = from; i <= to; i++) {
			Sql.execute(app, "INSERT INTO t (id, v) VALUES (" + i + ", 'row " + i + "')");
		}
	}

	private static void awaitCaughtUp(ReplicationManager manager) throws Exception {
		DatabaseReplication replication = manager.databases().get(0);
		await(() -> {
			replication.database().sync();
			Position position = replication.database().position();
			return position != null && position.equals(replication.replicas().get(0).position());
		});
	}

	private static void await(Callable<Boolean> condition) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!condition.call()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("condition not met within 20 s");
			}
			Thread.sleep(20);
		}
	}

}
