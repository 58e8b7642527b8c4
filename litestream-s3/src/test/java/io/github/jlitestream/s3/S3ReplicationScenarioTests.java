package io.github.jlitestream.s3;

import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.testing.AbstractReplicationScenarioTests;
import io.github.jlitestream.s3.testing.S3ProxyExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Randomised end-to-end replication to an S3 replica: S3Proxy on loopback, one fresh
 * bucket per test.
 */
class S3ReplicationScenarioTests extends AbstractReplicationScenarioTests {

	@RegisterExtension
	static final S3ProxyExtension s3 = new S3ProxyExtension();

	@Override
	protected ReplicaClient createClient() {
		return s3.newClient("scenario", "apps/scenario.db");
	}

}
