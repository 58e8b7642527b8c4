package io.github.jlitestream.s3;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link S3ReplicaClientFactory}.
 */
class S3ReplicaClientFactoryTests {

	private static final URI ENDPOINT = URI.create("http://127.0.0.1:9000");

	@Test
	void endpointWithoutRegionUsesDefaultRegion() {
		S3ReplicaClientFactory factory = S3ReplicaClientFactory.builder()
			.endpoint(ENDPOINT)
			.credentials("key", "secret")
			.build();
		try (S3Client s3 = factory.createS3Client()) {
			assertThat(s3.serviceClientConfiguration().region()).isEqualTo(Region.US_EAST_1);
			assertThat(s3.serviceClientConfiguration().endpointOverride()).contains(ENDPOINT);
		}
	}

	@Test
	void explicitRegionWins() {
		S3ReplicaClientFactory factory = S3ReplicaClientFactory.builder()
			.endpoint(ENDPOINT)
			.region("eu-west-3")
			.credentials("key", "secret")
			.build();
		try (S3Client s3 = factory.createS3Client()) {
			assertThat(s3.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_3);
		}
	}

	@Test
	void createsReplicaClientThatOwnsItsS3Client() {
		S3ReplicaClientFactory factory = S3ReplicaClientFactory.builder()
			.endpoint(ENDPOINT)
			.forcePathStyle(true)
			.credentials("key", "secret")
			.options(S3ReplicaClient.Options.builder().listPageSize(100).build())
			.build();
		try (S3ReplicaClient client = factory.create("s3://bucket/apps/db/")) {
			assertThat(client.bucket()).isEqualTo("bucket");
			assertThat(client.prefix()).isEqualTo("apps/db");
			assertThat(client.location()).isEqualTo("s3://bucket/apps/db");
		}
	}

	@Test
	void rejectsInvalidSettings() {
		S3ReplicaClientFactory.Builder builder = S3ReplicaClientFactory.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.endpoint(URI.create("ftp://host/")))
			.withMessageContaining("expected http(s)://host[:port]");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.endpoint(URI.create("localhost:9000")));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> builder.endpoint(URI.create("http://AKIA:s3cr3t@host:9000")))
			.withMessageNotContaining("s3cr3t");
		assertThatIllegalArgumentException().isThrownBy(() -> builder.credentials("key", " "));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.maxAttempts(0));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> builder.retryBackoff(Duration.ZERO, Duration.ofSeconds(1)));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.socketTimeout(Duration.ofSeconds(-1)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> S3ReplicaClient.Options.builder().deleteBatchSize(1001).build());
		assertThatIllegalArgumentException()
			.isThrownBy(() -> S3ReplicaClient.Options.builder().listPageSize(0).build());
	}

	@Test
	void toStringHidesCredentials() {
		S3ReplicaClientFactory factory = S3ReplicaClientFactory.builder()
			.endpoint(ENDPOINT)
			.credentials("AKIAEXAMPLE", "very-secret")
			.build();
		assertThat(factory.toString()).contains("http://127.0.0.1:9000", "static")
			.doesNotContain("AKIAEXAMPLE")
			.doesNotContain("very-secret");
	}

}
