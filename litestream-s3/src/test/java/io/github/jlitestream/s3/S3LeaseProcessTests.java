package io.github.jlitestream.s3;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import io.github.jlitestream.s3.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two engine processes with their own databases on one S3Proxy replica; the holder's path
 * to the store (a TCP proxy on loopback) is cut for longer than the TTL while the other
 * waits: the holder stops writing before the other takes over, and no object is written
 * by both.
 */
class S3LeaseProcessTests {

	private static final String URL = "s3://lease/apps/app.db";

	@TempDir
	Path dir;

	private S3ProxyServer server;

	private TcpProxy proxy;

	@BeforeEach
	void start() throws IOException {
		this.server = S3ProxyServer.startInMemory();
		this.server.createBucket("lease");
		this.proxy = TcpProxy.to(this.server.port());
	}

	@AfterEach
	void stop() throws IOException {
		this.proxy.close();
		this.server.close();
	}

	@Test
	void holderCutOffTheStoreStopsWritingBeforeTheOtherProcessTakesOver() throws Exception {
		Path holderPath = this.dir.resolve("holder/app.db");
		Path otherPath = this.dir.resolve("other/app.db");
		Files.createDirectories(holderPath.getParent());
		Files.createDirectories(otherPath.getParent());
		try (Connection holderApp = Sql.connect(holderPath); Connection otherApp = Sql.connect(otherPath)) {
			Sql.execute(holderApp, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			Sql.execute(otherApp, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'b')");
			AtomicBoolean writing = new AtomicBoolean(true);
			Thread writer = new Thread(() -> {
				try (Connection connection = Sql.connect(holderPath)) {
					for (int id = 1; writing.get(); id++) {
						Sql.execute(connection, "INSERT INTO t (id, v) VALUES (" + id + ", 'a')");
						Thread.sleep(5);
					}
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			try (Engine holder = Engine.start(holderPath, this.proxy.endpoint().toString())) {
				holder.await("ROLE PRIMARY PRIMARY");
				writer.start();
				try (Engine other = Engine.start(otherPath, this.server.endpoint().toString())) {
					other.await("ROLE PRIMARY STANDBY");
					Thread.sleep(300);
					this.proxy.cut();
					other.await("ROLE PRIMARY PRIMARY");
					holder.await("ROLE PRIMARY LOST");
					other.await("WROTE ");
					long holderLast = holder.writes().values().stream().mapToLong(Long::longValue).max().orElseThrow();
					long otherFirst = other.writes().values().stream().mapToLong(Long::longValue).min().orElseThrow();
					System.out.printf("holder's last write to the other's first: %d ms%n",
							(otherFirst - holderLast) / 1_000_000);
					assertThat(otherFirst).as("the other writes only after the holder's last write")
						.isGreaterThan(holderLast);
					Set<String> holderKeys = holder.writes().keySet();
					assertThat(holderKeys).doesNotContainAnyElementsOf(other.writes().keySet());
					int holderCount = holderKeys.size();
					this.proxy.heal();
					holder.await("ROLE PRIMARY STANDBY");
					Thread.sleep(500);
					assertThat(holder.writes()).as("the old holder stays out").hasSize(holderCount);
					writing.set(false);
					writer.join();
					assertThat(other.stop()).isTrue();
					assertThat(holder.stop()).isTrue();
				}
			}
			finally {
				writing.set(false);
				writer.join();
			}
			S3ReplicaClient client = this.server.clientFactory().build().create(URL);
			Path latest = this.dir.resolve("latest.db");
			new Restorer(ReplicaCodec.litestream()).restore(client, RestoreOptions.latest(latest),
					RestoreProgress.NONE);
			assertThat(Sql.dump(latest)).isEqualTo(Sql.dump(otherApp));
			assertThat(client.generations()).hasSize(2);
		}
	}

	/** An {@link S3EngineProcess}, with the lines it printed. */
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
				catch (IOException ex) {
					// the process ended
				}
			});
			this.reader.start();
		}

		static Engine start(Path path, String endpoint) throws IOException {
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			return new Engine(new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
					S3EngineProcess.class.getName(), path.toString(), endpoint, URL, "3000"))
				.redirectErrorStream(true)
				.start());
		}

		Map<String, Long> writes() {
			return this.lines.stream()
				.filter((line) -> line.startsWith("WROTE "))
				.map((line) -> line.split(" "))
				.collect(Collectors.toMap((parts) -> parts[1], (parts) -> Long.parseLong(parts[2]), (a, b) -> a));
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
