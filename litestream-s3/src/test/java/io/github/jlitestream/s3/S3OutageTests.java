package io.github.jlitestream.s3;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.DatabaseStatus;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicaStatus;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replication while the S3 store goes away and comes back: the application keeps writing,
 * the status shows the failure and a growing lag, and once the store is back everything
 * written meanwhile reaches it.
 */
class S3OutageTests {

	private static final String URL = "s3://outage/apps/app.db";

	@TempDir
	Path dir;

	private S3ProxyServer server;

	private ReplicationManager manager;

	private final List<S3ReplicaClient> clients = new ArrayList<>();

	@BeforeEach
	void startServer() {
		this.server = S3ProxyServer.startInMemory();
		this.server.createBucket("outage");
	}

	@AfterEach
	void stopAll() {
		try {
			if (this.manager != null) {
				this.manager.stop();
			}
		}
		finally {
			this.clients.forEach(S3ReplicaClient::close);
			this.server.close();
		}
	}

	@Test
	void catchesUpAfterTheStoreComesBack() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, b BLOB)");
			this.manager = manager(path);
			this.manager.start();
			try (Writer writer = new Writer(path)) {
				// lastSyncAt: a sync completed, so the generation's first snapshot is in
				// the store
				ReplicaStatus healthy = await("replicating before the outage", (r) -> r.lastSyncAt() != null
						&& r.position() != null && r.lastError() == null && writer.rows() > 20);
				assertThat(healthy.consecutiveFailures()).isZero();

				this.server.stop();
				int rowsAtOutage = writer.rows();
				Position dbAtOutage = status().position();
				Thread.sleep(1000);
				DatabaseStatus first = status();
				ReplicaStatus down1 = first.replicas().get(0);
				assertThat(down1.lastError()).as("the replica reports the outage")
					.isNotNull()
					.contains("S3 ")
					.contains("failed for bucket 'outage'");
				assertThat(down1.consecutiveFailures()).isPositive();
				assertThat(down1.lag()).isPositive();
				Thread.sleep(1000);
				DatabaseStatus second = status();
				ReplicaStatus down2 = second.replicas().get(0);
				assertThat(down2.lastError()).isNotNull();
				assertThat(down2.lag()).as("the lag grows while the store is down")
					.isGreaterThan(down1.lag().plusMillis(500));
				assertThat(down2.consecutiveFailures()).isGreaterThanOrEqualTo(down1.consecutiveFailures());
				assertThat(down2.lastSyncAt()).as("no successful sync while the store is down")
					.isNotNull()
					.isEqualTo(down1.lastSyncAt());
				// the database keeps accepting writes, and the engine keeps capturing
				// them (across WAL indexes)
				assertThat(writer.rows()).isGreaterThan(rowsAtOutage + 50);
				assertThat(second.position()).isGreaterThan(dbAtOutage);
				assertThat(second.position().index()).as("checkpoints go on during the outage")
					.isGreaterThan(dbAtOutage.index());
				assertThat(second.lastError()).isNull();
				assertThat(writer.errors()).isEmpty();

				this.server.start();
				// the application keeps writing after the store came back
				Thread.sleep(500);
				writer.close();
				assertThat(writer.errors()).isEmpty();
				long started = System.nanoTime();
				ReplicaStatus recovered = awaitCaughtUp("recovered after the outage");
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
				assertThat(recovered.lastSyncAt()).isAfter(down2.lastSyncAt());
			}
			Position end = status().position();
			assertThat(this.manager.stop()).isTrue();
			Map<String, List<String>> expected = Sql.dump(app);
			RestoreResult result = restore("restored.db");
			assertThat(result.position()).isEqualTo(end);
			assertThat(Sql.dump(result.path())).isEqualTo(expected);
			assertThat(Sql.count(result.path(), "t")).isEqualTo(Sql.count(app, "t"));
			assertThat(Sql.integrityCheck(result.path())).isEqualTo("ok");
		}
	}

	@Test
	void gracefulStopWhileTheStoreIsDownReportsIncompleteAndKeepsWhatWasReplicated() throws Exception {
		Path path = this.dir.resolve("app.db");
		Map<String, List<String>> beforeOutage;
		Map<String, List<String>> everything;
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			this.manager = manager(path);
			this.manager.start();
			for (int i = 0; i < 100; i++) {
				Sql.execute(app, "INSERT INTO t (v) VALUES ('before " + i + "')");
			}
			awaitCaughtUp("caught up before the outage");
			beforeOutage = Sql.dump(app);

			this.server.stop();
			for (int i = 0; i < 20; i++) {
				Sql.execute(app, "INSERT INTO t (v) VALUES ('during " + i + "')");
			}
			everything = Sql.dump(app);
			String log = capturingStandardError(
					() -> assertThat(this.manager.stop()).as("a graceful stop that could not upload everything says so")
						.isFalse());
			assertThat(log).contains("db=app replica=s3 final sync failed, changes since")
				.contains("are not in it")
				.contains("Connection refused");
			ReplicaStatus afterStop = status().replicas().get(0);
			assertThat(afterStop.lastError()).isNotNull();
			assertThat(afterStop.lag()).isPositive();
		}

		this.server.start();
		RestoreResult partial = restore("partial.db");
		assertThat(Sql.dump(partial.path())).as("everything replicated before the outage").isEqualTo(beforeOutage);
		assertThat(Sql.count(partial.path(), "t")).isEqualTo(100);

		// a later start with the store back ships what the stopped engine could not
		try (Connection app = Sql.connect(path)) {
			this.manager = manager(path);
			this.manager.start();
			Sql.execute(app, "INSERT INTO t (v) VALUES ('after restart')");
			awaitCaughtUp("caught up after the restart");
			assertThat(this.manager.stop()).isTrue();
			RestoreResult full = restore("full.db");
			assertThat(Sql.dump(full.path())).isEqualTo(Sql.dump(app));
			assertThat(Sql.dump(full.path()).get("t")).containsAll(everything.get("t")).hasSize(121);
		}
	}

	private ReplicationManager manager(Path path) {
		S3ReplicaClient client = this.server.clientFactory()
			.maxAttempts(2)
			.retryBackoff(Duration.ofMillis(50), Duration.ofMillis(50))
			.connectTimeout(Duration.ofMillis(500))
			.socketTimeout(Duration.ofSeconds(5))
			.build()
			.create(URL);
		this.clients.add(client);
		ReplicationManager created = new ReplicationManager();
		created.add("app",
				DatabaseOptions.builder(path)
					.monitorInterval(Duration.ofMillis(50))
					.minCheckpointPageCount(20)
					.maxCheckpointPageCount(100)
					.truncatePageCount(0)
					.build(),
				List.of(new ReplicaSpec(client,
						ReplicaOptions.builder("s3").syncInterval(Duration.ofMillis(100)).build())));
		return created;
	}

	private DatabaseStatus status() {
		return this.manager.status().get(0);
	}

	/**
	 * Waits until the replica holds everything committed: no error, no failure streak (it
	 * is reset a moment after a successful sync clears the error), zero lag, the
	 * database's position, and a completed sync (a position and zero lag alone are also
	 * shown while the generation's first snapshot is still being uploaded).
	 */
	private ReplicaStatus awaitCaughtUp(String what) throws InterruptedException {
		return await(what, (r) -> r.lastError() == null && r.consecutiveFailures() == 0 && r.lag().isZero()
				&& r.lastSyncAt() != null && r.position() != null && r.position().equals(status().position()));
	}

	private ReplicaStatus await(String what, Predicate<ReplicaStatus> condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		ReplicaStatus replica = status().replicas().get(0);
		while (!condition.test(replica)) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Not " + what + " within 20 s: " + status());
			}
			Thread.sleep(20);
			replica = status().replicas().get(0);
		}
		return replica;
	}

	private RestoreResult restore(String name) throws Exception {
		try (S3ReplicaClient client = this.server.clientFactory().build().create(URL)) {
			return new Restorer(new Lz4FrameCodec()).restore(client,
					RestoreOptions.builder(this.dir.resolve(name)).parallelism(4).build(), RestoreProgress.NONE);
		}
	}

	/**
	 * Runs {@code body} while copying standard error (where slf4j-simple logs) and
	 * returns what was written.
	 */
	private static String capturingStandardError(Runnable body) {
		PrintStream original = System.err;
		ByteArrayOutputStream captured = new ByteArrayOutputStream();
		System.setErr(new PrintStream(new OutputStream() {
			@Override
			public void write(int b) {
				original.write(b);
				synchronized (captured) {
					captured.write(b);
				}
			}

			@Override
			public void write(byte[] bytes, int offset, int length) {
				original.write(bytes, offset, length);
				synchronized (captured) {
					captured.write(bytes, offset, length);
				}
			}
		}, true, StandardCharsets.UTF_8));
		try {
			body.run();
		}
		finally {
			System.setErr(original);
		}
		synchronized (captured) {
			return captured.toString(StandardCharsets.UTF_8);
		}
	}

	/** An application connection that inserts a row about every 10 ms until closed. */
	private static final class Writer implements AutoCloseable {

		private final AtomicBoolean stop = new AtomicBoolean();

		private final AtomicInteger rows = new AtomicInteger();

		private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

		private final Thread thread;

		Writer(Path path) {
			this.thread = new Thread(() -> run(path), "test-writer");
			this.thread.start();
		}

		private void run(Path path) {
			try (Connection connection = Sql.connect(path);
					PreparedStatement insert = connection
						.prepareStatement("INSERT INTO t (v, b) VALUES (?, randomblob(1500))")) {
				while (!this.stop.get()) {
					insert.setString(1, "row " + this.rows.get());
					insert.executeUpdate();
					this.rows.incrementAndGet();
					Thread.sleep(10);
				}
			}
			catch (SQLException | RuntimeException ex) {
				this.errors.add(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		int rows() {
			return this.rows.get();
		}

		List<Throwable> errors() {
			return List.copyOf(this.errors);
		}

		@Override
		public void close() throws InterruptedException {
			this.stop.set(true);
			this.thread.join(10_000);
			if (this.thread.isAlive()) {
				throw new IllegalStateException("the writer did not stop");
			}
		}

	}

}
