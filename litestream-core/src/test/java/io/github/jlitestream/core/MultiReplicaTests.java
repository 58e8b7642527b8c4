package io.github.jlitestream.core;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.FaultyReplicaClient;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several replicas of one database: each follows the database across WAL indexes whatever
 * the others do, a replica that fell behind catches up, and its lag is reported as long
 * as it holds less than the database.
 */
class MultiReplicaTests {

	@TempDir
	Path dir;

	/** Audit finding 1: the shadow WAL was released below whichever replica ran last. */
	@Test
	void twoHealthyReplicasBothFollowTheDatabaseAcrossManyWalIndexes() throws Exception {
		Path path = this.dir.resolve("app.db");
		FileReplicaClient a = new FileReplicaClient(this.dir.resolve("a"));
		FileReplicaClient b = new FileReplicaClient(this.dir.resolve("b"));
		ReplicationManager manager = manager(path, a, b);
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			manager.start();
			long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
			for (int i = 0; System.nanoTime() < deadline; i++) {
				Sql.execute(app, "INSERT INTO t (v) VALUES ('" + "x".repeat(200) + i + "')");
				Thread.sleep(2);
			}
			DatabaseStatus running = manager.status().get(0);
			assertThat(running.position().index()).as("the database moved through several WAL indexes")
				.isGreaterThan(3);
			assertThat(manager.stop()).as("final sync of both replicas").isTrue();
			DatabaseStatus status = manager.status().get(0);
			assertThat(status.replicas()).allSatisfy((replica) -> {
				assertThat(replica.position()).isEqualTo(status.position());
				assertThat(replica.lastError()).isNull();
			});
			assertEachRestoresTo(Sql.dump(app), a, b);
		}
		finally {
			manager.stop();
		}
	}

	/**
	 * Audit finding 1, the variant with an outage: the replica that was down catches up
	 * once the store is back.
	 */
	@Test
	void replicaThatWasDownCatchesUpWhileTheOtherMovedOn() throws Exception {
		Path path = this.dir.resolve("app.db");
		FileReplicaClient a = new FileReplicaClient(this.dir.resolve("a"));
		FaultyReplicaClient b = new FaultyReplicaClient(new FileReplicaClient(this.dir.resolve("b")));
		ReplicationManager manager = manager(path, a, b);
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			manager.start();
			awaitCaughtUp(manager);
			b.down = true;
			long before = manager.status().get(0).position().index();
			for (int i = 0; i < 400; i++) {
				Sql.execute(app, "INSERT INTO t (v) VALUES ('" + "y".repeat(200) + i + "')");
				Thread.sleep(1);
			}
			awaitReplica(manager, "a");
			assertThat(manager.status().get(0).position().index()).as("indexes moved on during the outage")
				.isGreaterThan(before + 1);
			assertThat(replica(manager, "b").lag()).as("the replica that is down lags").isPositive();
			b.heal();
			awaitCaughtUp(manager);
			assertThat(manager.stop()).isTrue();
			assertEachRestoresTo(Sql.dump(app), a, b);
		}
		finally {
			manager.stop();
		}
	}

	/**
	 * Audit finding 8: a replica still in the old generation holds nothing of the new
	 * one; its lag must not be hidden by the other replica's position in the new
	 * generation.
	 */
	@Test
	void lagOfAReplicaLeftInTheOldGenerationIsReported() throws Exception {
		Path path = this.dir.resolve("app.db");
		FileReplicaClient a = new FileReplicaClient(this.dir.resolve("a"));
		FaultyReplicaClient b = new FaultyReplicaClient(new FileReplicaClient(this.dir.resolve("b")));
		ReplicationManager manager = manager(path, a, b);
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			manager.start();
			awaitCaughtUp(manager);
			Generation old = manager.status().get(0).position().generation();
			b.down = true;
			// The application truncates the WAL behind the engine's back: continuity is
			// lost, a new generation starts.
			manager.databases().get(0).database().close();
			Sql.execute(app, "INSERT INTO t (v) VALUES ('while stopped')", "PRAGMA wal_checkpoint(TRUNCATE)");
			manager.databases().get(0).database().open();
			Sql.execute(app, "INSERT INTO t (v) VALUES ('new generation')");
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (System.nanoTime() < deadline && !inNewGenerationCaughtUp(replica(manager, "a"), old)) {
				Thread.sleep(20);
			}
			assertThat(replica(manager, "a").position().generation()).isNotEqualTo(old);
			Thread.sleep(300);
			assertThat(replica(manager, "b").position().generation()).isEqualTo(old);
			assertThat(replica(manager, "b").lag()).as("lag of the replica left in the old generation")
				.isGreaterThan(Duration.ofMillis(200));
		}
		finally {
			b.heal();
			manager.stop();
		}
	}

	private ReplicationManager manager(Path path, ReplicaClient a, ReplicaClient b) {
		ReplicationManager manager = new ReplicationManager();
		manager.add("app",
				DatabaseOptions.builder(path)
					.monitorInterval(Duration.ofMillis(50))
					.minCheckpointPageCount(5)
					.maxCheckpointPageCount(20)
					.truncatePageCount(0)
					.build(),
				List.of(new ReplicaSpec(a, ReplicaOptions.builder("a").syncInterval(Duration.ofMillis(200)).build()),
						new ReplicaSpec(b, ReplicaOptions.builder("b").syncInterval(Duration.ofMillis(200)).build())));
		return manager;
	}

	private void assertEachRestoresTo(Map<String, List<String>> expected, ReplicaClient... clients) throws Exception {
		for (int i = 0; i < clients.length; i++) {
			assertThat(restore(clients[i], "from-" + i + ".db")).as("restored from replica %d", i).isEqualTo(expected);
		}
	}

	private Map<String, List<String>> restore(ReplicaClient client, String name) throws Exception {
		Path out = this.dir.resolve(name);
		new Restorer(ReplicaCodec.litestream()).restore(client, RestoreOptions.latest(out), RestoreProgress.NONE);
		return Sql.dump(out);
	}

	private static ReplicaStatus replica(ReplicationManager manager, String name) {
		return manager.status()
			.get(0)
			.replicas()
			.stream()
			.filter((r) -> r.name().equals(name))
			.findFirst()
			.orElseThrow();
	}

	/** Read from one status: the position is null again while a generation starts. */
	private static boolean inNewGenerationCaughtUp(ReplicaStatus replica, Generation old) {
		return replica.position() != null && !replica.position().generation().equals(old) && replica.lag().isZero();
	}

	private static void awaitReplica(ReplicationManager manager, String name) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			DatabaseStatus status = manager.status().get(0);
			ReplicaStatus replica = replica(manager, name);
			if (status.position() != null && status.position().equals(replica.position()) && replica.lag().isZero()) {
				return;
			}
			Thread.sleep(20);
		}
	}

	private static void awaitCaughtUp(ReplicationManager manager) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		while (System.nanoTime() < deadline) {
			DatabaseStatus status = manager.status().get(0);
			if (status.position() != null && status.replicas()
				.stream()
				.allMatch((r) -> status.position().equals(r.position()) && r.lastError() == null)) {
				return;
			}
			Thread.sleep(20);
		}
		throw new AssertionError("replicas did not catch up: " + manager.status().get(0));
	}

}
