package io.github.jlitestream.s3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.ChildProcess;
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
			try (ChildProcess holder = engine(holderPath, this.proxy.endpoint().toString())) {
				holder.await("ROLE PRIMARY PRIMARY");
				writer.start();
				try (ChildProcess other = engine(otherPath, this.server.endpoint().toString())) {
					other.await("ROLE PRIMARY STANDBY");
					Thread.sleep(300);
					this.proxy.cut();
					other.await("ROLE PRIMARY PRIMARY");
					holder.await("ROLE PRIMARY LOST");
					other.await("WROTE ");
					long holderLast = writes(holder).values().stream().mapToLong(Long::longValue).max().orElseThrow();
					long otherFirst = writes(other).values().stream().mapToLong(Long::longValue).min().orElseThrow();
					System.out.printf("holder's last write to the other's first: %d ms%n",
							(otherFirst - holderLast) / 1_000_000);
					assertThat(otherFirst).as("the other writes only after the holder's last write")
						.isGreaterThan(holderLast);
					Set<String> holderKeys = writes(holder).keySet();
					assertThat(holderKeys).doesNotContainAnyElementsOf(writes(other).keySet());
					int holderCount = holderKeys.size();
					this.proxy.heal();
					holder.await("ROLE PRIMARY STANDBY");
					Thread.sleep(500);
					assertThat(writes(holder)).as("the old holder stays out").hasSize(holderCount);
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

	/**
	 * An {@link S3EngineProcess} on {@code path} and the replica through
	 * {@code endpoint}.
	 */
	private static ChildProcess engine(Path path, String endpoint) throws IOException {
		return ChildProcess.start(S3EngineProcess.class, path.toString(), endpoint, URL, "3000");
	}

	/** The objects a child stored, with the monotonic time after each was stored. */
	private static Map<String, Long> writes(ChildProcess engine) {
		return engine.lines()
			.stream()
			.filter((line) -> line.startsWith("WROTE "))
			.map((line) -> line.split(" "))
			.collect(Collectors.toMap((parts) -> parts[1], (parts) -> Long.parseLong(parts[2]), (a, b) -> a));
	}

}
