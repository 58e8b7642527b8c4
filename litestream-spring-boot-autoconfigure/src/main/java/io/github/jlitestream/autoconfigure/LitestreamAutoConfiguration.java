package io.github.jlitestream.autoconfigure;

import java.time.Clock;
import java.util.List;
import javax.sql.DataSource;

import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.ReplicationManager;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Replicates the configured SQLite databases: restores missing ones before any DataSource
 * is created, then replicates from the context's start to a final sync at shutdown.
 *
 * @since 0.1.0
 */
@AutoConfiguration(afterName = { "io.awspring.cloud.autoconfigure.s3.S3AutoConfiguration",
		"io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration",
		"io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration" })
@ConditionalOnClass(ReplicationManager.class)
@ConditionalOnBooleanProperty(name = "litestream.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LitestreamProperties.class)
public final class LitestreamAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ReplicationManager litestreamReplicationManager(LitestreamProperties properties, Environment environment,
			ObjectProvider<S3ReplicaClients> s3, ObjectProvider<ReplicationListener> listeners) {
		return factory(properties, environment, s3.getIfAvailable())
			.create(composite(listeners.orderedStream().toList()), Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	LitestreamRestoreInitializer litestreamRestoreInitializer(ReplicationManager manager,
			LitestreamProperties properties, Environment environment, ObjectProvider<S3ReplicaClients> s3) {
		return new LitestreamRestoreInitializer(manager,
				new ReplicationManagerFactory(properties, new ReplicaClients(null), dataSourceUrl(environment))
					.databases());
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicationLifecycle litestreamReplicationLifecycle(ReplicationManager manager) {
		return new ReplicationLifecycle(manager);
	}

	@Bean
	static DataSourceDependsOnLitestreamRestorePostProcessor dataSourceDependsOnLitestreamRestorePostProcessor() {
		return new DataSourceDependsOnLitestreamRestorePostProcessor();
	}

	private static ReplicationManagerFactory factory(LitestreamProperties properties, Environment environment,
			@Nullable S3ReplicaClients s3) {
		return new ReplicationManagerFactory(properties, new ReplicaClients(s3), dataSourceUrl(environment));
	}

	private static @Nullable String dataSourceUrl(Environment environment) {
		return environment.getProperty("spring.datasource.url");
	}

	private static ReplicationListener composite(List<ReplicationListener> listeners) {
		return (listeners.size() == 1) ? listeners.get(0) : new CompositeReplicationListener(listeners);
	}

	/** S3 replicas, where litestream-s3 and the AWS SDK are present. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(
			name = { "io.github.jlitestream.s3.S3ReplicaClient", "software.amazon.awssdk.services.s3.S3Client" })
	static final class S3ReplicaConfiguration {

		@Bean
		@ConditionalOnMissingBean
		S3ReplicaClients litestreamS3ReplicaClients(ObjectProvider<S3Client> s3Client,
				ObjectProvider<AwsCredentialsProvider> credentials, ObjectProvider<AwsRegionProvider> regions) {
			return new AwsS3ReplicaClients(s3Client, credentials, regions);
		}

	}

	/** Leaves checkpoints to the engine on HikariCP pools of a replicated database. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "com.zaxxer.hikari.HikariDataSource")
	@ConditionalOnBooleanProperty(name = "litestream.defer-application-checkpoints", matchIfMissing = true)
	static final class ApplicationCheckpointsConfiguration {

		@Bean
		static ApplicationCheckpointsPostProcessor litestreamApplicationCheckpointsPostProcessor(
				ObjectProvider<ReplicationManager> manager) {
			return new ApplicationCheckpointsPostProcessor(manager);
		}

	}

	/** Makes every DataSource wait for the restore. */
	static final class DataSourceDependsOnLitestreamRestorePostProcessor
			extends AbstractDependsOnBeanFactoryPostProcessor {

		DataSourceDependsOnLitestreamRestorePostProcessor() {
			super(DataSource.class, LitestreamRestoreInitializer.class);
		}

	}

}
