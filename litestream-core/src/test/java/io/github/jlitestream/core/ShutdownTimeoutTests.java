package io.github.jlitestream.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A store that stops answering cannot hold a shutdown past its timeout (an orchestrator
 * kills the process at the end of its grace period, mid-upload): the stop reports that
 * the replica misses changes, keeps the lease (another instance must not take over while
 * an upload may still write), and the next start uploads what was missing.
 */
class ShutdownTimeoutTests {

	@TempDir
	Path dir;

	@Test
	@Timeout(value = 90, unit = TimeUnit.SECONDS)
	void aStoreThatDoesNotAnswerCannotHoldTheStopPastItsTimeout() throws Exception {
		Path path = this.dir.resolve("app.db");
		FileReplicaClient store = new FileReplicaClient(this.dir.resolve("replica"));
		Hanging hanging = new Hanging(store);
		try (Connection app = DriverManager.getConnection("jdbc:sqlite:" + path)) {
			try (Statement statement = app.createStatement()) {
				statement.execute("PRAGMA journal_mode=WAL");
				statement.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
				statement.execute("INSERT INTO t (v) VALUES ('uploaded')");
			}
			ReplicationManager manager = manager(path, hanging);
			manager.start();
			manager.database("app").orElseThrow().syncNow();
			hanging.hang();
			try (Statement statement = app.createStatement()) {
				statement.execute("INSERT INTO t (v) VALUES ('only local when the store stops answering')");
			}
			hanging.awaitHanging();
			boolean complete = manager.stop(Duration.ofSeconds(2));
			assertThat(complete).isFalse();
			assertThat(new String(store.readLease().orElseThrow().content(), StandardCharsets.UTF_8))
				.doesNotContain("released");
			hanging.answerAgain();
			Thread.sleep(200);
		}
		// the next start (here once the lease expired) uploads the change the stop could
		// not
		ReplicationManager again = manager(path, store);
		again.start();
		again.database("app").orElseThrow().syncNow();
		assertThat(again.stop()).isTrue();
		Path restored = this.dir.resolve("restored.db");
		new Restorer(new Lz4FrameCodec()).restore(store, RestoreOptions.latest(restored), RestoreProgress.NONE);
		assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(path));
	}

	private static ReplicationManager manager(Path path, ReplicaClient client) {
		ReplicationManager manager = new ReplicationManager(ReplicationListener.NONE, Clock.systemUTC());
		manager.add("app", DatabaseOptions.builder(path).monitorInterval(Duration.ofMillis(50)).build(),
				List.of(new ReplicaSpec(client,
						ReplicaOptions.builder("file")
							.syncInterval(Duration.ofMillis(50))
							.leaseTtl(Duration.ofSeconds(1))
							.build())));
		return manager;
	}

	/** Once told to, every WAL upload waits until the store answers again. */
	private static final class Hanging extends ForwardingReplicaClient {

		private final CountDownLatch hanging = new CountDownLatch(1);

		private final CountDownLatch answer = new CountDownLatch(1);

		private volatile boolean hang;

		Hanging(ReplicaClient delegate) {
			super(delegate);
		}

		void hang() {
			this.hang = true;
		}

		void awaitHanging() throws InterruptedException {
			assertThat(this.hanging.await(30, TimeUnit.SECONDS)).as("an upload reached the store").isTrue();
		}

		void answerAgain() {
			this.hang = false;
			this.answer.countDown();
		}

		@Override
		public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset, Compression compression,
				ObjectContent content) throws IOException {
			if (this.hang) {
				this.hanging.countDown();
				try {
					this.answer.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IOException("interrupted", ex);
				}
				throw new IOException("connection reset while the store did not answer");
			}
			return super.writeWalSegment(generation, index, offset, compression, content);
		}

	}

}
