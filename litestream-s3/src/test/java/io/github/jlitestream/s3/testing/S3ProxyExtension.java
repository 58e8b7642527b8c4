package io.github.jlitestream.s3.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.jlitestream.s3.S3ReplicaClient;
import io.github.jlitestream.s3.S3ReplicaClientFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-memory S3Proxy for a test class, with replica clients on fresh buckets. Register
 * it as a static field with {@code @RegisterExtension}.
 */
public final class S3ProxyExtension implements BeforeAllCallback, AfterAllCallback {

	private final AtomicInteger buckets = new AtomicInteger();

	private S3ProxyServer server;

	private S3ReplicaClientFactory factory;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server = S3ProxyServer.startInMemory();
		this.factory = this.server.clientFactory()
			.maxAttempts(3)
			.retryBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
			.build();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.server != null) {
			this.server.close();
		}
	}

	/** The server. */
	public S3ProxyServer server() {
		return this.server;
	}

	/**
	 * A client (which owns its S3 client) on {@code s3://<name>-<n>/<prefix>}, a new
	 * bucket.
	 */
	public S3ReplicaClient newClient(String name, String prefix) {
		String bucket = name + "-" + this.buckets.incrementAndGet();
		this.server.createBucket(bucket);
		return this.factory.create("s3://" + bucket + "/" + prefix);
	}

}
