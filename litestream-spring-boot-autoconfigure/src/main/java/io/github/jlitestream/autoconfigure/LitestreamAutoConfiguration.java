package io.github.jlitestream.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

import io.awspring.cloud.autoconfigure.AwsSyncClientCustomizer;
import io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer;
import io.awspring.cloud.autoconfigure.core.AwsConnectionDetails;
import io.awspring.cloud.autoconfigure.s3.S3ClientCustomizer;
import io.awspring.cloud.autoconfigure.s3.properties.S3Properties;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.ReplicationManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
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
		"io.awspring.cloud.autoconfigure.core.AwsAutoConfiguration",
		"io.awspring.cloud.autoconfigure.core.CredentialsProviderAutoConfiguration",
		"io.awspring.cloud.autoconfigure.core.RegionProviderAutoConfiguration" })
@ConditionalOnClass(ReplicationManager.class)
@ConditionalOnBooleanProperty(name = "litestream.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LitestreamProperties.class)
@ImportRuntimeHints(LitestreamRuntimeHints.class)
public final class LitestreamAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(LitestreamAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	ReplicationManager litestreamReplicationManager(LitestreamProperties properties, Environment environment,
			ObjectProvider<S3ReplicaClients> s3, ObjectProvider<ReplicationListener> listeners) {
		if (!environment.getProperty("litestream.enabled", Boolean.class, true)) {
			// An ahead-of-time processed application decided its conditions at build
			// time: litestream.enabled=false at run time is honoured here, with a
			// manager that has nothing to replicate or restore.
			logger.info("Litestream is turned off (litestream.enabled=false): nothing is restored or replicated");
			return new ReplicationManager(composite(listeners.orderedStream().toList()), Clock.systemUTC());
		}
		UnknownProperties.check(environment);
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

	/**
	 * Replication starts only after the restore: with lazy initialization nothing else
	 * may have asked for the restore yet, and the engine would create the missing
	 * database, which the restore then skips and whose empty generation becomes the
	 * replica's newest.
	 */
	@Bean
	@ConditionalOnMissingBean
	ReplicationLifecycle litestreamReplicationLifecycle(ReplicationManager manager,
			ObjectProvider<LitestreamRestoreInitializer> restore, LitestreamProperties properties) {
		restore.getIfAvailable(); // created, and so restored, first
		Duration timeout = properties.getShutdownTimeout();
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new LitestreamConfigurationException("litestream.shutdown-timeout", timeout,
					"must be a positive duration",
					"Use a duration such as 20s, inside the orchestrator's grace period.");
		}
		return new ReplicationLifecycle(manager, timeout);
	}

	@Bean
	static DataSourceFileCheck litestreamDataSourceFileCheck(ObjectProvider<ReplicationManager> manager) {
		return new DataSourceFileCheck(manager);
	}

	@Bean
	static DataSourceDependsOnLitestreamRestorePostProcessor dataSourceDependsOnLitestreamRestorePostProcessor() {
		return new DataSourceDependsOnLitestreamRestorePostProcessor();
	}

	/**
	 * Flyway with a URL of its own ({@code spring.flyway.url}) migrates the restored
	 * file.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = MigrationsDependOnLitestreamRestorePostProcessor.FLYWAY)
	static final class FlywayOrderingConfiguration {

		@Bean
		static MigrationsDependOnLitestreamRestorePostProcessor flywayDependsOnLitestreamRestorePostProcessor() {
			return new MigrationsDependOnLitestreamRestorePostProcessor(
					MigrationsDependOnLitestreamRestorePostProcessor.FLYWAY);
		}

	}

	/** Liquibase with a URL of its own ({@code spring.liquibase.url}) likewise. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = MigrationsDependOnLitestreamRestorePostProcessor.LIQUIBASE)
	static final class LiquibaseOrderingConfiguration {

		@Bean
		static MigrationsDependOnLitestreamRestorePostProcessor liquibaseDependsOnLitestreamRestorePostProcessor() {
			return new MigrationsDependOnLitestreamRestorePostProcessor(
					MigrationsDependOnLitestreamRestorePostProcessor.LIQUIBASE);
		}

	}

	private static ReplicationManagerFactory factory(LitestreamProperties properties, Environment environment,
			@Nullable S3ReplicaClients s3) {
		return new ReplicationManagerFactory(properties, new ReplicaClients(s3), dataSourceUrl(environment));
	}

	static @Nullable String dataSourceUrl(Environment environment) {
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
				ObjectProvider<AwsCredentialsProvider> credentials, ObjectProvider<AwsRegionProvider> regions,
				ObjectProvider<ApplicationS3Settings> settings) {
			return new AwsS3ReplicaClients(s3Client, credentials, regions, settings);
		}

		/**
		 * Replica clients of their own are configured as Spring Cloud AWS configures the
		 * application's, where it is present.
		 */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "io.awspring.cloud.autoconfigure.core.AwsClientBuilderConfigurer")
		static final class SpringCloudAwsConfiguration {

			@Bean
			@ConditionalOnBean(AwsClientBuilderConfigurer.class)
			ApplicationS3Settings litestreamSpringCloudAwsS3Settings(AwsClientBuilderConfigurer configurer,
					ObjectProvider<S3Properties> properties, ObjectProvider<AwsConnectionDetails> connectionDetails,
					ObjectProvider<S3ClientCustomizer> customizers,
					ObjectProvider<AwsSyncClientCustomizer> syncCustomizers) {
				return new SpringCloudAwsS3Settings(configurer, properties, connectionDetails, customizers,
						syncCustomizers);
			}

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

	/**
	 * Makes a migration tool's beans wait for the restore, also when they open the
	 * database through a URL of their own rather than a DataSource bean.
	 */
	static final class MigrationsDependOnLitestreamRestorePostProcessor
			extends AbstractDependsOnBeanFactoryPostProcessor {

		static final String FLYWAY = "org.flywaydb.core.Flyway";

		static final String LIQUIBASE = "liquibase.integration.spring.SpringLiquibase";

		MigrationsDependOnLitestreamRestorePostProcessor(String migrationClass) {
			super(ClassUtils.resolveClassName(migrationClass, null), LitestreamRestoreInitializer.class);
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
