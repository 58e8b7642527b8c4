package io.github.jlitestream.autoconfigure;

import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mistyped {@code litestream.*} key stops the start with the nearest known name: Spring
 * Boot ignores unknown keys, so {@code encryption.kee} gave unencrypted backups and
 * {@code sync-intervall} did nothing, without a word.
 */
class UnknownPropertiesTests {

	private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LitestreamAutoConfiguration.class));

	private ApplicationContextRunner database() {
		return this.runner.withPropertyValues("litestream.databases.app.path=" + this.dir.resolve("app.db"),
				"litestream.databases.app.replicas.backup.url=" + this.dir.resolve("replica").toUri());
	}

	@Test
	void aMistypedEncryptionKeyStopsTheStartWithoutShowingItsValue() {
		database().withPropertyValues("litestream.databases.app.replicas.backup.encryption.kee=" + KEY)
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).isEqualTo(
						"Invalid Litestream configuration: litestream.databases.app.replicas.backup.encryption.kee: "
								+ "it is not a Litestream property (set in \"litestream.databases.app.replicas.backup."
								+ "encryption.kee\" from property source \"test\"); it would be ignored without a word")
					.doesNotContain(KEY);
				assertThat(analysis.getAction())
					.startsWith("Did you mean 'litestream.databases.app.replicas.backup.encryption.key'?");
			});
	}

	@Test
	void aMistypedTopLevelSwitchIsNamedWithTheNearestProperty() {
		database().withPropertyValues("litestream.enabeld=false")
			.run((context) -> assertThat(analysis(context).getAction())
				.startsWith("Did you mean 'litestream.enabled'?"));
	}

	@Test
	void aMistypedMapNameIsCorrectedAndTheRestOfTheNameKept() {
		database().withPropertyValues("litestream.database.app.restore.parallelism=4")
			.run((context) -> assertThat(analysis(context).getAction())
				.startsWith("Did you mean 'litestream.databases.app.restore.parallelism'?"));
	}

	@Test
	void aMistypedEnvironmentVariableIsNamedWithItsVariable() {
		database()
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(environment(Map.of("LITESTREAM_DATABASES_APP_REPLICAS_BACKUP_SYNC_INTERVALL", "5s"))))
			.run((context) -> {
				FailureAnalysis analysis = analysis(context);
				assertThat(analysis.getDescription()).contains(
						"(set in \"LITESTREAM_DATABASES_APP_REPLICAS_BACKUP_SYNC_INTERVALL\" from property source");
				assertThat(analysis.getAction())
					.startsWith("Did you mean 'litestream.databases.app.replicas.backup.sync-interval'?");
			});
	}

	@Test
	void theBinarysCredentialVariablesAreExplained() {
		database()
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(environment(Map.of("LITESTREAM_ACCESS_KEY_ID", "AKIA", "LITESTREAM_SECRET_ACCESS_KEY", "s"))))
			.run((context) -> assertThat(analysis(context).getAction())
				.startsWith("LITESTREAM_ACCESS_KEY_ID and LITESTREAM_SECRET_ACCESS_KEY are the Litestream binary's "
						+ "variables"));
	}

	@Test
	void everyKnownFormStarts() {
		database()
			.withPropertyValues("litestream.enabled=true", "litestream.health.max-lag=10s",
					"litestream.health.unhealthy-status=down", "litestream.defer-application-checkpoints=true",
					"litestream.databases.app.restore.mode=if-missing",
					"litestream.databases.app.restore.parallelism=4", "litestream.databases.app.monitor-interval=1s",
					"litestream.databases.app.replicas.backup.encryption.key=" + KEY,
					"litestream.databases.app.replicas.backup.syncInterval=1s",
					"litestream.databases.app.replicas.backup.snapshot_interval=1h")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(environment(Map.of("LITESTREAM_DATABASES_APP_REPLICAS_BACKUP_SYNC_INTERVAL", "2s",
						"LITESTREAM_DATABASES_APP_REPLICAS_BACKUP_RETENTIONCHECKINTERVAL", "1h",
						"LITESTREAM_DATABASES_APP_REPLICAS_BACKUP_ENCRYPTION_KEYS_0", KEY))))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	private static FailureAnalysis analysis(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new LitestreamFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
		return analysis;
	}

	private static SystemEnvironmentPropertySource environment(Map<String, Object> variables) {
		return new SystemEnvironmentPropertySource("test-systemEnvironment", variables);
	}

}
