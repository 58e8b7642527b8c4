package io.github.jlitestream.s3;

import java.io.InputStream;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.Test;

class ScratchTests {

	@Test
	void shortThenList() throws Exception {
		run(new byte[5], 10);
	}

	@Test
	void longThenList() throws Exception {
		//run(new byte[16], 4);
	}

	void run(byte[] bytes, long declared) throws Exception {
		try (S3ProxyServer server = S3ProxyServer.builder().provider(System.getProperty("provider", "transient")).directory(java.nio.file.Files.createTempDirectory("s3p")).build().start()) {
			server.createBucket("bucket-x");
			RequestCounter counter = new RequestCounter();
			try (S3ReplicaClient client = server.clientFactory().maxAttempts(3)
				.customizer((builder) -> builder.overrideConfiguration((o) -> o.addExecutionInterceptor(counter)))
				.build().create("s3://bucket-x/p")) {
				Generation g = Generation.random();
				System.out.println("list before: " + client.walSegments(g));
				try {
					client.writeWalSegment(g, 0, 0, new ObjectContent() {
						public long length() { return declared; }
						public InputStream open() { return new java.io.ByteArrayInputStream(bytes); }
					});
				}
				catch (Exception ex) {
					System.out.println("write failed: " + ex + " attempts=" + counter.attempts("PutObject"));
				}
				for (int i = 0; i < 3; i++) {
					try {
						System.out.println("list: " + client.walSegments(g));
					}
					catch (Exception ex) {
						System.out.println("list failed: " + ex);
						if (ex.getCause() instanceof software.amazon.awssdk.awscore.exception.AwsServiceException se && se.awsErrorDetails() != null && se.awsErrorDetails().rawResponse() != null) {
							System.out.println("body: " + se.awsErrorDetails().rawResponse().asUtf8String());
						}
					}
				}
			}
		}
	}

}
