package io.github.jlitestream.s3;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.testing.AbstractReplicationScenarioTests;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Randomised end-to-end replication to an S3 replica: S3Proxy on loopback, one fresh bucket per test.
 */
class S3ReplicationScenarioTests extends AbstractReplicationScenarioTests {

	private static final AtomicInteger buckets = new AtomicInteger();

	private static S3ProxyServer server;

	private static S3ReplicaClientFactory factory;

	@BeforeAll
	static void startServer() {
		server = S3ProxyServer.startInMemory();
		factory = server.clientFactory().maxAttempts(3).retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
			.build();
	}

	@AfterAll
	static void stopServer() {
		if (server != null) {
			server.close();
		}
	}

	@Override
	protected ReplicaClient createClient() {
		String bucket = "scenario-" + buckets.incrementAndGet();
		server.createBucket(bucket);
		return factory.create("s3://" + bucket + "/apps/scenario.db");
	}

}
