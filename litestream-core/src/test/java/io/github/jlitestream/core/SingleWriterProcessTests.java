package io.github.jlitestream.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.ChildProcess;
import io.github.jlitestream.core.testing.LitestreamBinary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two engines in processes of their own on one database file, while this process writes
 * to it the whole time: the second stands by, takes over when the first is killed
 * (SIGKILL) and again when it is stopped gracefully, and the replica keeps one history
 * that restores to the source row for row, by this project and by Litestream v0.3.13.
 */
class SingleWriterProcessTests {

	@TempDir
	Path dir;

	@Test
	void standbyTakesOverAfterAKillAndAfterAGracefulStop() throws Exception {
		Path path = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			AtomicBoolean writing = new AtomicBoolean(true);
			AtomicLong written = new AtomicLong();
			Thread writer = new Thread(() -> write(path, writing, written));
			writer.start();
			try (ChildProcess first = engine(path, replica)) {
				first.await("ROLE PRIMARY PRIMARY");
				try (ChildProcess second = engine(path, replica)) {
					second.await("ROLE STANDBY");
					takeOvers(path, replica, first, second, () -> {
						writing.set(false);
						writer.join();
					});
				}
			}
			assertThat(written.get()).isGreaterThan(100);
			FileReplicaClient client = new FileReplicaClient(replica);
			assertThat(client.generations()).as("one replica history: no generation started by the overlaps")
				.hasSize(1);
			Path restored = this.dir.resolve("restored.db");
			new Restorer(new Lz4FrameCodec()).restore(client, RestoreOptions.latest(restored), RestoreProgress.NONE);
			assertThat(Sql.count(restored, "t")).isEqualTo(written.get());
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(app));
			assertThat(Sql.integrityCheck(restored)).isEqualTo("ok");
			Path byLitestream = this.dir.resolve("restored-by-litestream.db");
			LitestreamBinary.Result result = LitestreamBinary.run(this.dir, 120, "restore", "-o",
					byLitestream.toString(), replica.toUri().toString());
			assertThat(result.exitCode()).as(result.output()).isZero();
			assertThat(Sql.dump(byLitestream)).isEqualTo(Sql.dump(app));
		}
	}

	@Test
	void engineWithAnotherFileOnTheReplicaWaitsAndTakesOverInANewGeneration() throws Exception {
		Path replica = this.dir.resolve("replica");
		Path firstPath = this.dir.resolve("first/app.db");
		Path secondPath = this.dir.resolve("second/app.db");
		Files.createDirectories(firstPath.getParent());
		Files.createDirectories(secondPath.getParent());
		try (Connection first = Sql.connect(firstPath); Connection second = Sql.connect(secondPath)) {
			Sql.execute(first, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')");
			Sql.execute(second, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'b')");
			try (ChildProcess a = engine(firstPath, replica)) {
				a.await("ROLE PRIMARY PRIMARY");
				try (ChildProcess b = engine(secondPath, replica)) {
					b.await("ROLE PRIMARY STANDBY");
					Sql.execute(first, "INSERT INTO t VALUES (2, 'a')");
					Sql.execute(second, "INSERT INTO t VALUES (2, 'b')");
					Thread.sleep(500);
					FileReplicaClient client = new FileReplicaClient(replica);
					assertThat(client.generations()).as("the standby wrote nothing").hasSize(1);
					assertThat(a.stop()).isTrue();
					b.await("ROLE PRIMARY PRIMARY");
					Sql.execute(second, "INSERT INTO t VALUES (3, 'b')");
					Thread.sleep(500);
					assertThat(b.stop()).isTrue();
					assertThat(client.generations()).hasSize(2);
					Restorer restorer = new Restorer(new Lz4FrameCodec());
					for (Generation generation : client.generations()) {
						Path restored = this.dir.resolve(generation + ".db");
						restorer.restore(client, RestoreOptions.builder(restored).generation(generation).build(),
								RestoreProgress.NONE);
						Map<String, List<String>> rows = Sql.dump(restored);
						assertThat(rows).as("every generation holds exactly one instance's rows")
							.isIn(Sql.dump(first), Sql.dump(second));
					}
					Path latest = this.dir.resolve("latest.db");
					restorer.restore(client, RestoreOptions.latest(latest), RestoreProgress.NONE);
					assertThat(Sql.dump(latest)).isEqualTo(Sql.dump(second));
				}
			}
		}
	}

	@Test
	void deployWaitsForTheOldInstancesFinalSyncBeforeRestoring() throws Exception {
		// The old instance writes until its graceful stop; the new one, on a fresh disk,
		// starts meanwhile and restores once the old one released the lease.
		Path replica = this.dir.resolve("replica");
		Path oldPath = this.dir.resolve("old/app.db");
		Path newPath = this.dir.resolve("new/app.db");
		Files.createDirectories(oldPath.getParent());
		Files.createDirectories(newPath.getParent());
		try (Connection app = Sql.connect(oldPath)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			AtomicBoolean writing = new AtomicBoolean(true);
			AtomicLong written = new AtomicLong();
			Thread writer = new Thread(() -> write(oldPath, writing, written));
			try (ChildProcess old = engine(oldPath, replica)) {
				old.await("ROLE PRIMARY PRIMARY");
				writer.start();
				Thread.sleep(300);
				try (ChildProcess fresh = engine(newPath, replica, "60000")) {
					fresh.await("WAITING");
					Thread.sleep(700);
					assertThat(fresh.lines()).doesNotContain("RESTORED");
					writing.set(false);
					writer.join();
					assertThat(old.stop()).isTrue();
					fresh.await("RESTORED");
					fresh.await("ROLE PRIMARY PRIMARY");
					assertThat(fresh.stop()).isTrue();
				}
			}
			assertThat(Sql.count(newPath, "t")).isEqualTo(written.get());
			assertThat(Sql.dump(newPath)).isEqualTo(Sql.dump(app));
		}
	}

	/**
	 * Kills the first engine, waits for the second to take over, starts a third, stops
	 * the second gracefully, and stops the third after the writer.
	 */
	private static void takeOvers(Path path, Path replica, ChildProcess first, ChildProcess second, Step stopWriting)
			throws Exception {
		Thread.sleep(500);
		long killed = System.nanoTime();
		first.kill();
		second.await("ROLE PRIMARY PRIMARY");
		System.out.printf("handover after SIGKILL: %d ms%n", (System.nanoTime() - killed) / 1_000_000);
		try (ChildProcess third = engine(path, replica)) {
			third.await("ROLE STANDBY");
			Thread.sleep(500);
			long stopped = System.nanoTime();
			assertThat(second.stop()).isTrue();
			third.await("ROLE PRIMARY PRIMARY");
			System.out.printf("handover after a graceful stop: %d ms%n", (System.nanoTime() - stopped) / 1_000_000);
			Thread.sleep(500);
			stopWriting.run();
			assertThat(third.stop()).isTrue();
		}
	}

	@FunctionalInterface
	private interface Step {

		void run() throws Exception;

	}

	/**
	 * An {@link EngineProcess} on {@code path} and the file replica {@code replica}, with
	 * a 3 s lease.
	 */
	private static ChildProcess engine(Path path, Path replica, String... more) throws Exception {
		List<String> arguments = new ArrayList<>(List.of(path.toString(), replica.toString(), "3000"));
		arguments.addAll(List.of(more));
		return ChildProcess.start(EngineProcess.class, arguments.toArray(String[]::new));
	}

	private static void write(Path path, AtomicBoolean writing, AtomicLong written) {
		try (Connection connection = Sql.connect(path)) {
			for (long id = 1; writing.get(); id++) {
				Sql.execute(connection, "INSERT INTO t (id, v) VALUES (" + id + ", '" + "v".repeat(200) + "')");
				written.set(id);
				Thread.sleep(2);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
