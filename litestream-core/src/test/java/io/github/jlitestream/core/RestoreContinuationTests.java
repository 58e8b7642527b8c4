package io.github.jlitestream.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;

import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Replications;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.Await;
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
			ReplicationManager old = Replications.instance(first, replica);
			old.start();
			Replications.insert(app, 1, 100);
			old.databases().get(0).database().checkpoint(CheckpointMode.RESTART);
			Replications.insert(app, 101, 120);
			Replications.awaitCaughtUp(old);
			assertThat(old.stop()).isTrue();
			end = old.status().get(0).replicas().get(0).position();
			generation = end.generation();
		}
		FileReplicaClient client = new FileReplicaClient(replica);
		int snapshots = client.snapshots(generation).size();
		ReplicationManager fresh = Replications.instance(second, replica);
		assertThat(fresh.databases().get(0).restoreIfMissing(4, RestoreProgress.NONE)).isPresent();
		fresh.start();
		try (Connection app = Sql.connect(second)) {
			Replications.insert(app, 121, 150);
			Replications.awaitCaughtUp(fresh);
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
			ReplicationManager old = Replications.instance(first, replica);
			old.start();
			Replications.insert(oldApp, 1, 50);
			Replications.awaitCaughtUp(old);
			Generation generation = old.status().get(0).position().generation();
			// the new instance restores while the old one still writes
			ReplicationManager fresh = Replications.instance(second, replica);
			assertThat(fresh.databases().get(0).restoreIfMissing(4, RestoreProgress.NONE)).isPresent();
			Replications.insert(oldApp, 51, 80);
			Replications.awaitCaughtUp(old);
			fresh.start();
			try (Connection newApp = Sql.connect(second)) {
				Replications.insert(newApp, 1000, 1010);
				assertThat(old.stop()).isTrue();
				Await.until(Duration.ofSeconds(20), () -> {
					Position position = fresh.status().get(0).replicas().get(0).position();
					return position != null && !position.generation().equals(generation);
				});
				Replications.insert(newApp, 1011, 1020);
				Replications.awaitCaughtUp(fresh);
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

}
