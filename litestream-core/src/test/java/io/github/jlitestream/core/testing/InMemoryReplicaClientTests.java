package io.github.jlitestream.core.testing;

import java.time.Clock;

import io.github.jlitestream.core.ReplicaClient;

/**
 * Holds {@link InMemoryReplicaClient} to the contract every store keeps, so that tests
 * built on it test what a real store would do.
 */
class InMemoryReplicaClientTests extends AbstractReplicaClientContractTests {

	@Override
	protected ReplicaClient createClient() {
		return new InMemoryReplicaClient(Clock.systemUTC());
	}

}
