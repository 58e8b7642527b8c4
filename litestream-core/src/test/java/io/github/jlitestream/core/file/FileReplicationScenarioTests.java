package io.github.jlitestream.core.file;

import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.testing.AbstractReplicationScenarioTests;

/**
 * Randomised end-to-end replication to a file replica.
 */
class FileReplicationScenarioTests extends AbstractReplicationScenarioTests {

	@Override
	protected ReplicaClient createClient() {
		return new FileReplicaClient(this.dir.resolve("replica"));
	}

}
