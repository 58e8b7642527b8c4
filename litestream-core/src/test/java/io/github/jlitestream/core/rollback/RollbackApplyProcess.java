package io.github.jlitestream.core.rollback;

import java.nio.file.Path;
import java.util.List;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.util.Failpoints;

/**
 * A start that applies a staged rollback, in a JVM of its own so that a test can kill it
 * with SIGKILL at a step: arguments are the database, the replica directory and the step
 * ({@code none} for no stop). At the step it prints {@code AT <step>} and waits.
 */
public final class RollbackApplyProcess {

	private RollbackApplyProcess() {
	}

	public static void main(String[] args) throws Exception {
		String step = args[2];
		Failpoints.set((place) -> {
			if (place.equals(step)) {
				System.out.println("AT " + place);
				System.out.flush();
				try {
					Thread.sleep(Long.MAX_VALUE);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		});
		ReplicationManager manager = new ReplicationManager();
		manager.add("app", DatabaseOptions.of(Path.of(args[0])),
				List.of(new ReplicaSpec(new FileReplicaClient(Path.of(args[1])), ReplicaOptions.of("file"))));
		System.out.println("APPLIED " + manager.databases().get(0).rollback().applyIfStaged().isPresent());
		System.out.flush();
	}

}
