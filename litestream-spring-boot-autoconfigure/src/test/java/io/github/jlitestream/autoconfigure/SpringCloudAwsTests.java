package io.github.jlitestream.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;

import io.awspring.cloud.autoconfigure.core.AwsAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.AwsConnectionDetails;
import io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration;
import io.awspring.cloud.autoconfigure.s3.S3AutoConfiguration;
import io.awspring.cloud.autoconfigure.s3.S3ClientCustomizer;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Spring Cloud AWS, a replica's own S3 client is configured as the application's
 * clients are (its customizers and connection details included), and the starter leaves
 * Spring Cloud AWS's own {@code S3Client} alone: it turned it off when it could not see a
 * region, although the application had one.
 */
class SpringCloudAwsTests {

	private static S3ProxyServer s3;

	@TempDir
	Path dir;

	@BeforeAll
	static void startS3() {
		s3 = S3ProxyServer.startInMemory();
	}

	@AfterAll
	static void stopS3() {
		s3.close();
	}

	private ApplicationContextRunner runner(String bucket) {
		s3.createBucket(bucket);
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(AwsAutoConfiguration.class, CredentialsProviderAutoConfiguration.class,
							RegionProviderAutoConfiguration.class, LitestreamAutoConfiguration.class))
			.withPropertyValues("litestream.databases.app.path=" + this.dir.resolve("app.db"),
					"litestream.databases.app.replicas.backup.url=s3://" + bucket + "/app",
					"litestream.databases.app.replicas.backup.sync-interval=100ms");
	}

	@Test
	void anS3ClientCustomizerShapesTheReplicasOwnClient() throws Exception {
		AtomicInteger requests = new AtomicInteger();
		try (Connection app = Sql.connect(this.dir.resolve("app.db"))) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			runner("customized")
				.withPropertyValues("litestream.databases.app.replicas.backup.endpoint=" + s3.endpoint(),
						"spring.cloud.aws.region.static=" + s3.region(),
						"spring.cloud.aws.credentials.access-key=" + s3.accessKey(),
						"spring.cloud.aws.credentials.secret-key=" + s3.secretKey())
				.withBean(S3ClientCustomizer.class,
						() -> (builder) -> builder.overrideConfiguration(
								(override) -> override.addExecutionInterceptor(new Counting(requests))))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					context.getBean(ReplicationManager.class).database("app").orElseThrow().syncNow();
				});
		}
		assertThat(requests.get()).as("requests through the customizer's interceptor").isPositive();
		assertThat(s3.clientFactory().build().create("s3://customized/app").generations()).isNotEmpty();
	}

	@Test
	void connectionDetailsGiveAReplicaWithoutAnEndpointItsStore() throws Exception {
		try (Connection app = Sql.connect(this.dir.resolve("app.db"))) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			runner("detailed").withPropertyValues("litestream.databases.app.replicas.backup.force-path-style=true")
				.withBean(AwsConnectionDetails.class, () -> new AwsConnectionDetails() {

					@Override
					public URI getEndpoint() {
						return s3.endpoint();
					}

					@Override
					public String getRegion() {
						return s3.region();
					}

					@Override
					public String getAccessKey() {
						return s3.accessKey();
					}

					@Override
					public String getSecretKey() {
						return s3.secretKey();
					}

				})
				.run((context) -> {
					assertThat(context).hasNotFailed();
					context.getBean(ReplicationManager.class).database("app").orElseThrow().syncNow();
				});
		}
		assertThat(s3.clientFactory().build().create("s3://detailed/app").generations()).isNotEmpty();
	}

	@Test
	void theApplicationsS3ClientStaysOnWhenOnlyTheApplicationKnowsItsRegion() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(RegionFromABean.class)
			.web(WebApplicationType.NONE)
			.properties("AWS_CONFIG_FILE=/nonexistent/config", "litestream.enabled=true")
			.run()) {
			assertThat(context.getBeanNamesForType(S3Client.class)).isNotEmpty();
		}
	}

	/** An application whose region comes from a bean of its own. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ AwsAutoConfiguration.class, CredentialsProviderAutoConfiguration.class,
			RegionProviderAutoConfiguration.class, S3AutoConfiguration.class, LitestreamAutoConfiguration.class })
	static class RegionFromABean {

		@Bean
		AwsRegionProvider regionProvider() {
			return () -> Region.EU_WEST_1;
		}

	}

	/** Counts the requests a client makes. */
	private record Counting(AtomicInteger requests) implements ExecutionInterceptor {

		@Override
		public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
			this.requests.incrementAndGet();
		}

	}

}
