package io.github.jlitestream.core;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.Await;
import io.github.jlitestream.core.util.Failpoints;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, scenario 5: an unexpected failure (an {@link Error}, as a
 * {@code NoClassDefFoundError} or an {@code OutOfMemoryError} is) in the monitor, a
 * replica's thread, retention or a lease's thread does not end replication silently. The
 * thread goes on after a backoff, the failure is logged, counted for the metric and shown
 * in the status while it lasts, and every commit still reaches the replica.
 */
class EngineThreadFailureTests {

	@TempDir
	Path dir;

	private final List<String> failedThreads = new CopyOnWriteArrayList<>();

	private final ReplicationListener listener = new ReplicationListener() {
		@Override
		public void onThreadFailure(String database, String thread, Throwable failure) {
			EngineThreadFailureTests.this.failedThreads.add(thread);
		}
	};

	@AfterEach
	void removeHook() {
		Failpoints.set(null);
	}

	@Test
	void anErrorInsideTheMonitorsCheckpointDoesNotEndTheMonitor() throws Exception {
		AtomicBoolean armed = new AtomicBoolean(false);
		Failpoints.set((place) -> {
			if (place.equals(Failpoints.CHECKPOINT_BACKFILL)
					&& Thread.currentThread().getName().startsWith("litestream-monitor-")
					&& armed.compareAndSet(true, false)) {
				throw new NoClassDefFoundError("injected into the monitor's checkpoint");
			}
		});
		FileReplicaClient store = new FileReplicaClient(this.dir.resolve("replica"));
		assertEveryCommitReachesTheReplica(store, options(), armed, "litestream-monitor-app");
	}

	@Test
	void anErrorInAnUploadDoesNotEndTheReplicasThread() throws Exception {
		AtomicBoolean armed = new AtomicBoolean(false);
		ReplicaClient store = new ForwardingReplicaClient(new FileReplicaClient(this.dir.resolve("replica"))) {
			@Override
			public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset,
					Compression compression, ObjectContent content) throws IOException {
				if (armed.compareAndSet(true, false)) {
					throw new OutOfMemoryError("injected into an upload");
				}
				return super.writeWalSegment(generation, index, offset, compression, content);
			}
		};
		assertEveryCommitReachesTheReplica(store, options(), armed, "litestream-replica-app-file");
	}

	@Test
	void anErrorInRetentionDoesNotEndTheReplicasThread() throws Exception {
		AtomicBoolean armed = new AtomicBoolean(false);
		ReplicaClient store = new ForwardingReplicaClient(new FileReplicaClient(this.dir.resolve("replica"))) {
			@Override
			public void deleteSnapshots(Collection<SnapshotInfo> snapshots) throws IOException {
				fail();
				super.deleteSnapshots(snapshots);
			}

			@Override
			public void deleteWalSegments(Collection<WalSegmentInfo> segments) throws IOException {
				fail();
				super.deleteWalSegments(segments);
			}

			private void fail() {
				if (armed.compareAndSet(true, false)) {
					throw new StackOverflowError("injected into retention");
				}
			}
		};
		ReplicaOptions retaining = ReplicaOptions.builder("file")
			.syncInterval(Duration.ofMillis(100))
			.snapshotInterval(Duration.ofMillis(300))
			.retention(Duration.ofMillis(600))
			.retentionCheckInterval(Duration.ofMillis(300))
			.build();
		assertEveryCommitReachesTheReplica(store, retaining, armed, "litestream-replica-app-file");
	}

	@Test
	void anErrorInALeaseRenewalDoesNotEndTheLeasesThread() throws Exception {
		AtomicBoolean armed = new AtomicBoolean(false);
		ReplicaClient store = new ForwardingReplicaClient(new FileReplicaClient(this.dir.resolve("replica"))) {
			@Override
			public StoredLease replaceLease(StoredLease current, byte[] content) throws IOException {
				if (armed.compareAndSet(true, false)) {
					throw new NoClassDefFoundError("injected into a lease renewal");
				}
				return super.replaceLease(current, content);
			}
		};
		// A lease thread that ended would stop renewing: the replica is fenced at five
		// sixths of the TTL and nothing is uploaded after that.
		ReplicaOptions leased = ReplicaOptions.builder("file")
			.syncInterval(Duration.ofMillis(100))
			.leaseTtl(Duration.ofSeconds(3))
			.build();
		assertEveryCommitReachesTheReplica(store, leased, armed, "litestream-lease-app-file");
	}

	@Test
	void aThreadThatKeepsFailingIsReportedAsFailingAndBacksOffUntilItWorksAgain() throws Exception {
		AtomicBoolean broken = new AtomicBoolean(false);
		ReplicaClient store = new ForwardingReplicaClient(new FileReplicaClient(this.dir.resolve("replica"))) {
			@Override
			public WalSegmentInfo writeWalSegment(Generation generation, long index, long offset,
					Compression compression, ObjectContent content) throws IOException {
				if (broken.get()) {
					throw new NoClassDefFoundError("injected: a library the upload needs is missing");
				}
				return super.writeWalSegment(generation, index, offset, compression, content);
			}
		};
		Path path = this.dir.resolve("app.db");
		ReplicationManager manager = new ReplicationManager(this.listener, Clock.systemUTC());
		manager.add("app", DatabaseOptions.builder(path).monitorInterval(Duration.ofMillis(50)).build(),
				List.of(new ReplicaSpec(store, options())));
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			manager.start();
			DatabaseReplication replication = manager.databases().get(0);
			Await.until(Duration.ofSeconds(10), () -> caughtUp(replication));
			broken.set(true);
			long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			for (int i = 0; System.nanoTime() < deadline; i++) {
				Sql.execute(app, "INSERT INTO t (v) VALUES ('row " + i + "')");
				Thread.sleep(5);
			}
			ThreadStatus failing = thread(replication, "litestream-replica-app-file");
			assertThat(failing.failing()).isTrue();
			assertThat(failing.lastFailure())
				.isEqualTo("java.lang.NoClassDefFoundError: injected: a library the upload needs is missing");
			// 200 ms doubling: 200, 400, 800, 1600 ms fit in 3 s, a busy loop would make
			// hundreds of attempts
			assertThat(failing.failures()).isBetween(1L, 10L);
			assertThat(this.failedThreads).hasSize((int) failing.failures());
			broken.set(false);
			Await.until(Duration.ofSeconds(20), () -> caughtUp(replication));
			ThreadStatus recovered = thread(replication, "litestream-replica-app-file");
			assertThat(recovered.failing()).isFalse();
			assertThat(recovered.lastFailure()).isNull();
			assertThat(restore(store)).isEqualTo(Sql.dump(app));
		}
		finally {
			manager.stop();
		}
	}

	private static ThreadStatus thread(DatabaseReplication replication, String name) {
		return replication.status().threads().stream().filter((t) -> t.name().equals(name)).findFirst().orElseThrow();
	}

	private static ReplicaOptions options() {
		return ReplicaOptions.builder("file").syncInterval(Duration.ofMillis(100)).build();
	}

	/**
	 * Writes for 5 s (the fault is armed once the replica caught up with the first
	 * commits), then requires that the fault fired, that the thread went on (the replica
	 * holds every commit without a stop's final sync), and that the failure was counted
	 * and reported.
	 */
	private void assertEveryCommitReachesTheReplica(ReplicaClient store, ReplicaOptions replicaOptions,
			AtomicBoolean armed, String thread) throws Exception {
		Path path = this.dir.resolve("app.db");
		ReplicationManager manager = new ReplicationManager(this.listener, Clock.systemUTC());
		manager.add("app",
				DatabaseOptions.builder(path)
					.monitorInterval(Duration.ofMillis(50))
					.minCheckpointPageCount(5)
					.maxCheckpointPageCount(20)
					.build(),
				List.of(new ReplicaSpec(store, replicaOptions)));
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			manager.start();
			DatabaseReplication replication = manager.databases().get(0);
			Await.until(Duration.ofSeconds(10), () -> caughtUp(replication));
			armed.set(true);
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			for (int i = 0; System.nanoTime() < deadline; i++) {
				Sql.execute(app, "INSERT INTO t (v) VALUES ('" + "x".repeat(300) + i + "')");
				Thread.sleep(3);
			}
			assertThat(armed.get()).as("the injected failure happened").isFalse();
			Instant written = Instant.now();
			// An upload copies the WAL itself; the monitor's own rounds (and the
			// checkpoints only it runs) show in its last sync.
			// a round that ended after the last commit may have copied before it: the
			// round after that one started after it
			Await.until(Duration.ofSeconds(20), () -> replication.status().lastSyncAt() != null
					&& replication.status().lastSyncAt().isAfter(written));
			Instant roundAfter = replication.status().lastSyncAt();
			Await.until(Duration.ofSeconds(20),
					() -> caughtUp(replication) && replication.status().lastSyncAt().isAfter(roundAfter));
			assertThat(restore(store)).as("restored without a final sync").isEqualTo(Sql.dump(app));
			assertThat(this.failedThreads).as("failures counted for the metric").containsExactly(thread);
			DatabaseStatus status = replication.status();
			assertThat(status.threads()).as("threads after recovery")
				.allSatisfy((t) -> assertThat(t.failing()).as(t.name()).isFalse())
				.anySatisfy((t) -> {
					assertThat(t.name()).isEqualTo(thread);
					assertThat(t.failures()).isEqualTo(1);
				});
		}
		finally {
			manager.stop();
		}
	}

	private static boolean caughtUp(DatabaseReplication replication) {
		@Nullable Position position = replication.database().position();
		return position != null && position.equals(replication.replicas().get(0).position());
	}

	private Map<String, List<String>> restore(ReplicaClient store) throws Exception {
		Path out = this.dir.resolve("restored-" + System.nanoTime() + ".db");
		new Restorer(ReplicaCodec.litestream()).restore(store, RestoreOptions.latest(out), RestoreProgress.NONE);
		return Sql.dump(out);
	}

}
