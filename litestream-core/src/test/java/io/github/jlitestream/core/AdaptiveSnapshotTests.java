package io.github.jlitestream.core;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.restore.Restorer.PlannedRestore;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17, adaptive snapshots: without scheduled snapshots, a replica whose WAL since
 * the newest snapshot outgrows that snapshot writes a new one, so that a restore of the
 * latest state downloads at most about twice the database however long the service
 * writes; with the ratio at zero the WAL tail grows without bound.
 */
class AdaptiveSnapshotTests {

	@TempDir
	Path dir;

	@Test
	void theWalARestoreReplaysStaysBoundedByTheSnapshotsSize() throws Exception {
		Result adaptiveRun = writeAndPlan("adaptive", 1.0);
		Result unboundedRun = writeAndPlan("unbounded", 0);
		PlannedRestore adaptive = adaptiveRun.plan();
		PlannedRestore unbounded = unboundedRun.plan();
		long tail = adaptive.bytes() - adaptive.snapshot().size();
		System.out.printf("restore downloads: ratio 1.0: snapshot %d + WAL %d bytes; ratio 0: snapshot %d + WAL %d%n",
				adaptive.snapshot().size(), tail, unbounded.snapshot().size(),
				unbounded.bytes() - unbounded.snapshot().size());
		assertThat(unboundedRun.snapshots()).as("no snapshot but the first").isEqualTo(1);
		assertThat(unbounded.bytes() - unbounded.snapshot().size()).as("ratio 0: the tail grows")
			.isGreaterThan(3 * unbounded.snapshot().size());
		assertThat(adaptiveRun.snapshots()).as("later snapshots").isGreaterThan(1);
		// at most the ratio, plus what ten sync intervals and a segment add
		assertThat(tail).isLessThan(2 * adaptive.snapshot().size());
	}

	private Result writeAndPlan(String name, double ratio) throws Exception {
		Path db = this.dir.resolve(name + ".db");
		FileReplicaClient client = new FileReplicaClient(this.dir.resolve(name + "-replica"));
		ReplicationManager manager = new ReplicationManager();
		manager.add("app",
				DatabaseOptions.builder(db)
					.monitorInterval(Duration.ofMillis(20))
					.minCheckpointPageCount(50)
					.maxCheckpointPageCount(200)
					.build(),
				List.of(new ReplicaSpec(client,
						ReplicaOptions.builder("file")
							.syncInterval(Duration.ofMillis(20))
							.snapshotInterval(Duration.ZERO)
							.snapshotWalRatio(ratio)
							.build())));
		try (Connection app = Sql.connect(db)) {
			Sql.execute(app, "CREATE TABLE hot (id INTEGER PRIMARY KEY, v TEXT)");
			for (int i = 0; i < 500; i++) {
				Sql.execute(app, "INSERT INTO hot (v) VALUES (randomblob(1500))");
			}
			manager.start();
			// a hot set of rows updated again and again: the database stays small, the
			// WAL
			// stored since the first snapshot grows
			for (int round = 0; round < 1500; round++) {
				Sql.execute(app, "UPDATE hot SET v = randomblob(1500) WHERE id = " + (round % 50 + 1));
				if (round % 100 == 0) {
					Thread.sleep(30);
				}
			}
			Await.until(Duration.ofSeconds(20), () -> {
				DatabaseStatus status = manager.status().get(0);
				return status.position() != null && status.position().equals(status.replicas().get(0).position());
			});
		}
		finally {
			manager.stop();
		}
		PlannedRestore plan = Restorer
			.plan(List.of(new Restorer.Source(client, ReplicaCodec.litestream())),
					RestoreOptions.latest(this.dir.resolve(name + "-out.db")))
			.orElseThrow();
		return new Result(plan, client.snapshots(plan.generation()).size());
	}

	private record Result(PlannedRestore plan, int snapshots) {
	}

}
