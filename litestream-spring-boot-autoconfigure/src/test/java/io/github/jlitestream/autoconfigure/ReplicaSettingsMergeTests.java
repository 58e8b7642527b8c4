package io.github.jlitestream.autoconfigure;

import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.jlitestream.core.DatabaseReplication;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ship.Replica;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Settings of one replica from several sources (application.properties, a profile's file,
 * environment variables) merge: Spring Boot replaces a whole list when a source sets one
 * of its items, which dropped the URL or, worse, the encryption key. Names must be what
 * an environment variable binds back to, and two databases on one file or two replicas on
 * one location are refused.
 */
class ReplicaSettingsMergeTests {

	private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LitestreamAutoConfiguration.class));

	@Test
	void anEnvironmentVariableSettingOneFieldOfAnIndexedReplicaKeepsItsOthers() {
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + this.dir.resolve("app.db"),
					"litestream.databases.app.replicas[0].url=" + this.dir.resolve("replica").toUri(),
					"litestream.databases.app.replicas[0].encryption.key=" + KEY)
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(environment(Map.of("LITESTREAM_DATABASES_APP_REPLICAS_0_SYNCINTERVAL", "5s"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Replica replica = replica(context.getBean(ReplicationManager.class), "file");
				assertThat(replica.options().syncInterval()).hasSeconds(5);
				assertThat(replica.client().location()).isEqualTo(this.dir.resolve("replica").toUri().toString());
				assertThat(replica.codec().encrypted()).isTrue();
			});
	}

	@Test
	void aNamedReplicaGetsItsKeyFromTheEnvironmentAndAProfileSettingItsUrlKeepsTheKey() {
		Map<String, Object> profile = new LinkedHashMap<>();
		profile.put("litestream.databases.app.replicas.backup.url", this.dir.resolve("elsewhere").toUri().toString());
		profile.put("litestream.databases.app.replicas.backup.sync-interval", "2s");
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + this.dir.resolve("app.db"),
					"litestream.databases.app.replicas.backup.url=" + this.dir.resolve("replica").toUri())
			.withInitializer((context) -> {
				context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("profile", profile));
				context.getEnvironment()
					.getPropertySources()
					.addLast(environment(Map.of("LITESTREAM_DATABASES_APP_REPLICAS_BACKUP_ENCRYPTION_KEY", KEY)));
			})
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Replica replica = replica(context.getBean(ReplicationManager.class), "backup");
				assertThat(replica.client().location()).isEqualTo(this.dir.resolve("elsewhere").toUri().toString());
				assertThat(replica.options().syncInterval()).hasSeconds(2);
				assertThat(replica.codec().encrypted()).isTrue();
			});
	}

	@Test
	void aDatabaseNameThatAnEnvironmentVariableCannotBindBackIsRefused() {
		this.runner
			.withPropertyValues("litestream.databases.orders-db.path=" + this.dir.resolve("orders.db"),
					"litestream.databases.orders-db.replicas.backup.url=" + this.dir.resolve("replica").toUri())
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(LitestreamConfigurationException.class)
				.hasMessage(
						"Invalid Litestream configuration: litestream.databases.orders-db = 'orders-db': a database "
								+ "name must be lowercase letters and digits, starting with a letter")
				.satisfies((ex) -> assertThat(((LitestreamConfigurationException) ex).action())
					.startsWith("Rename it to 'ordersdb'")));
	}

	@Test
	void aReplicaKeyOnlyTheEnvironmentSetsIsReportedAsMistyped() {
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + this.dir.resolve("app.db"),
					"litestream.databases.app.replicas.offsite.url=" + this.dir.resolve("replica").toUri())
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(environment(Map.of("LITESTREAM_DATABASES_APP_REPLICAS_OFFSTIE_SYNCINTERVAL", "5s"))))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("Invalid Litestream configuration: litestream.databases.app.replicas.offstie.url = 'null': "
						+ "a replica needs a URL"));
	}

	@Test
	void twoDatabasesOnOneFileAreRefused() {
		String path = this.dir.resolve("app.db").toString();
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + path,
					"litestream.databases.app.replicas.backup.url=" + this.dir.resolve("one").toUri(),
					"litestream.databases.again.path=" + this.dir.resolve(".").resolve("app.db"),
					"litestream.databases.again.replicas.backup.url=" + this.dir.resolve("two").toUri())
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("litestream.databases.again.path")
				.hasMessageEndingWith("database 'app' is the same file"));
	}

	@Test
	void twoReplicasOnOneLocationAreRefused() {
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + this.dir.resolve("app.db"),
					"litestream.databases.app.replicas.backup.url=" + this.dir.resolve("replica").toUri(),
					"litestream.databases.other.path=" + this.dir.resolve("other.db"),
					"litestream.databases.other.replicas.backup.url=" + this.dir.resolve("replica").toUri())
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("litestream.databases.other.replicas.backup.url")
				.hasMessageEndingWith("replica 'backup' of database 'app' writes there too"));
	}

	@Test
	void aNamedReplicaWithAnotherNameIsRefused() {
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + this.dir.resolve("app.db"),
					"litestream.databases.app.replicas.backup.url=" + this.dir.resolve("replica").toUri(),
					"litestream.databases.app.replicas.backup.name=offsite")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessage("Invalid Litestream configuration: litestream.databases.app.replicas.backup.name = "
						+ "'offsite': differs from the replica's key 'backup'"));
	}

	private static SystemEnvironmentPropertySource environment(Map<String, Object> variables) {
		return new SystemEnvironmentPropertySource("test-systemEnvironment", variables);
	}

	private static Replica replica(ReplicationManager manager, String name) {
		DatabaseReplication app = manager.database("app").orElseThrow();
		return app.replicas().stream().filter((r) -> r.name().equals(name)).findFirst().orElseThrow();
	}

}
