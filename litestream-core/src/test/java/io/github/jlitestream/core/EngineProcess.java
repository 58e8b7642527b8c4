package io.github.jlitestream.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.testing.RolePrinter;

/**
 * An engine in a process of its own, for the tests that run two and kill one: replicates
 * a database to a file replica and prints {@code ROLE <database role> <lease role>} each
 * time either changes; a line {@code stop} on its input stops it gracefully (it prints
 * {@code STOPPED} and exits). Arguments: database path, replica directory, lease TTL in
 * milliseconds, and optionally how long a restore at start (when the database is missing)
 * waits for the replica's lease.
 */
public final class EngineProcess {

	private EngineProcess() {
	}

	public static void main(String[] args) throws Exception {
		Path path = Path.of(args[0]);
		ReplicationManager manager = new ReplicationManager();
		manager.add("app",
				DatabaseOptions.builder(path)
					.monitorInterval(Duration.ofMillis(50))
					.minCheckpointPageCount(100)
					.maxCheckpointPageCount(1000)
					.build(),
				List.of(new ReplicaSpec(new FileReplicaClient(Path.of(args[1])),
						ReplicaOptions.builder("file")
							.syncInterval(Duration.ofMillis(50))
							.leaseTtl(Duration.ofMillis(Long.parseLong(args[2])))
							.build())));
		if (args.length > 3 && !Files.exists(path)) {
			// restore at start, after waiting for the replica's lease as the starter's
			// restore.wait-for-lease does
			System.out.println("WAITING");
			DatabaseReplication replication = manager.databases().get(0);
			replication.awaitLeasesFree(Duration.ofMillis(Long.parseLong(args[3])));
			replication.restoreIfMissing(4, RestoreProgress.NONE);
			System.out.println("RESTORED");
		}
		manager.start();
		System.out.println("INSTANCE " + manager.instance());
		RolePrinter.start(manager);
		BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = input.readLine()) != null) {
			if (line.equals("stop")) {
				break;
			}
		}
		if (manager.isRunning()) {
			boolean complete = manager.stop();
			System.out.println("STOPPED " + complete);
		}
	}

}
