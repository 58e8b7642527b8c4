package io.github.jlitestream.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

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
			try (Engine first = Engine.start(path, replica)) {
				first.await("ROLE PRIMARY PRIMARY");
				try (Engine second = Engine.start(path, replica)) {
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

	/**
	 * Kills the first engine, waits for the second to take over, starts a third, stops
	 * the second gracefully, and stops the third after the writer.
	 */
	private static void takeOvers(Path path, Path replica, Engine first, Engine second, Step stopWriting)
			throws Exception {
		Thread.sleep(500);
		long killed = System.nanoTime();
		first.kill();
		second.await("ROLE PRIMARY PRIMARY");
		System.out.printf("handover after SIGKILL: %d ms%n", (System.nanoTime() - killed) / 1_000_000);
		try (Engine third = Engine.start(path, replica)) {
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

	/** An {@link EngineProcess}, with the lines it printed. */
	private static final class Engine implements AutoCloseable {

		private final Process process;

		private final List<String> lines = new CopyOnWriteArrayList<>();

		private final Thread reader;

		private Engine(Process process) {
			this.process = process;
			this.reader = new Thread(() -> {
				try (BufferedReader in = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = in.readLine()) != null) {
						this.lines.add(line);
					}
				}
				catch (Exception ex) {
					// the process ended
				}
			});
			this.reader.start();
		}

		static Engine start(Path path, Path replica) throws Exception {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			return new Engine(new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
					EngineProcess.class.getName(), path.toString(), replica.toString(), "3000"))
				.redirectErrorStream(true)
				.start());
		}

		void await(String prefix) throws Exception {
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (this.lines.stream().noneMatch((line) -> line.startsWith(prefix))) {
				if (System.nanoTime() > deadline || !this.process.isAlive()) {
					throw new AssertionError(
							"no line '" + prefix + "' from the engine; it printed:\n" + String.join("\n", this.lines));
				}
				Thread.sleep(5);
			}
		}

		void kill() throws Exception {
			this.process.destroyForcibly(); // SIGKILL: no final sync, the lease not
											// released
			this.process.waitFor();
		}

		boolean stop() throws Exception {
			Writer input = new OutputStreamWriter(this.process.getOutputStream(), StandardCharsets.UTF_8);
			input.write("stop\n");
			input.flush();
			await("STOPPED");
			this.process.waitFor();
			return this.lines.contains("STOPPED true");
		}

		@Override
		public void close() throws Exception {
			if (this.process.isAlive()) {
				this.process.destroyForcibly();
				this.process.waitFor();
			}
			this.reader.join(10_000);
		}

	}

}
