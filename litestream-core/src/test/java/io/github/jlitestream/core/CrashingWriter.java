package io.github.jlitestream.core;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.support.Sql;

/**
 * Run in its own process by {@link CrashRecoveryTests}, which kills it: writes numbered
 * rows while replicating, and prints {@code DURABLE n} once the replica's position covers
 * row n's commit. Arguments: database path, replica directory.
 */
public final class CrashingWriter {

	private CrashingWriter() {
	}

	public static void main(String[] args) throws Exception {
		Path path = Path.of(args[0]);
		ReplicationManager manager = new ReplicationManager();
		DatabaseReplication replication = manager.add("crash",
				DatabaseOptions.builder(path)
					.monitorInterval(Duration.ofMillis(50))
					.minCheckpointPageCount(50)
					.maxCheckpointPageCount(500)
					.truncatePageCount(0)
					.build(),
				List.of(new ReplicaSpec(new FileReplicaClient(Path.of(args[1])),
						ReplicaOptions.builder("file").syncInterval(Duration.ofMillis(50)).build())));
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)");
			long start = Sql.count(app, "t");
			manager.start();
			System.out.println("STARTED " + start);
			List<Position> commits = new ArrayList<>();
			long durable = start;
			for (long i = start + 1;; i++) {
				Sql.execute(app, "INSERT INTO t (id, v) VALUES (" + i + ", '" + "v".repeat(300) + "')");
				replication.database().sync();
				commits.add(replication.database().position());
				Position replicated = replication.replicas().get(0).position();
				while (replicated != null && durable - start < commits.size()) {
					Position commit = commits.get((int) (durable - start));
					if (!commit.generation().equals(replicated.generation()) || commit.compareTo(replicated) > 0) {
						break;
					}
					durable++;
					System.out.println("DURABLE " + durable);
				}
			}
		}
	}

}
