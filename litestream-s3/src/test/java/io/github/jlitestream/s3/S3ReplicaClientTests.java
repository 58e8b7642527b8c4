package io.github.jlitestream.s3;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.testing.AbstractReplicaClientContractTests;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Tests for {@link S3ReplicaClient}, against S3Proxy.
 */
class S3ReplicaClientTests extends AbstractReplicaClientContractTests {

	private static final AtomicInteger buckets = new AtomicInteger();

	static S3ProxyServer server;

	static S3ReplicaClientFactory factory;

	@BeforeAll
	static void startServer() {
		server = S3ProxyServer.startInMemory();
		factory = server.clientFactory().maxAttempts(3).retryBackoff(java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(100)).build();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Override
	protected ReplicaClient createClient() {
		String bucket = "contract-" + buckets.incrementAndGet();
		server.createBucket(bucket);
		return factory.create("s3://" + bucket + "/apps/main.db");
	}

}
