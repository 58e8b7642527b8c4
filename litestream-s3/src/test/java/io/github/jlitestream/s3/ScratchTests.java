package io.github.jlitestream.s3;

import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.Test;

class ScratchTests {

	@Test
	void attempts() throws Exception {
		try (S3ProxyServer server = S3ProxyServer.startInMemory()) {
			server.createBucket("bucket-x");
			var builder = server.clientFactory();
			server.stop();
			for (int max : new int[] { 1, 2, 6 }) {
				RequestCounter counter = new RequestCounter();
				try (S3ReplicaClient client = builder.maxAttempts(max).retryBackoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(5))
					.customizer((b) -> b.overrideConfiguration((o) -> o.addExecutionInterceptor(counter)))
					.build().create("s3://bucket-x/p")) {
					try {
						client.generations();
					}
					catch (Exception ex) {
						System.out.println(max + ": " + ex + " attempts=" + counter.attempts("ListObjectsV2"));
					}
				}
			}
		}
	}

}
