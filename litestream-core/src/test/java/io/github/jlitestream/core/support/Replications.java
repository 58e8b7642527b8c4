package io.github.jlitestream.core.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.DatabaseReplication;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.testing.Await;

/**
 * An engine standing for one instance of an application in the single-writer tests: one
 * database {@code app}, a file replica {@code file}, short intervals and a 3 s lease.
 */
public final class Replications {

	private Replications() {
	}

	/** A manager of {@code path} replicating to the directory {@code replica}. */
	public static ReplicationManager instance(Path path, Path replica) {
		ReplicationManager manager = new ReplicationManager();
		manager.add("app", DatabaseOptions.builder(path).monitorInterval(Duration.ofMillis(50)).build(),
				List.of(new ReplicaSpec(new FileReplicaClient(replica),
						ReplicaOptions.builder("file")
							.syncInterval(Duration.ofMillis(50))
							.leaseTtl(Duration.ofSeconds(3))
							.build())),
				new Lz4FrameCodec());
		return manager;
	}

	/** Inserts rows {@code from} to {@code to} into {@code t}, a commit each. */
	public static void insert(Connection app, int from, int to) throws Exception {
		for (int i = from; i <= to; i++) {
			Sql.execute(app, "INSERT INTO t (id, v) VALUES (" + i + ", 'row " + i + "')");
		}
	}

	/** Copies what was committed and waits until the replica holds it. */
	public static void awaitCaughtUp(ReplicationManager manager) throws Exception {
		DatabaseReplication replication = manager.databases().get(0);
		Await.until(Duration.ofSeconds(20), () -> {
			replication.database().sync();
			Position position = replication.database().position();
			return position != null && position.equals(replication.replicas().get(0).position());
		});
	}

}
