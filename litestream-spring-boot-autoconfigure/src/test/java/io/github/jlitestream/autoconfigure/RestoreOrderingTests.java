package io.github.jlitestream.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.sqlite.SQLiteDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The restore runs before replication and before every migration: with lazy
 * initialization (nothing asks for a DataSource at start) and with Flyway opening the
 * database through a URL of its own. Otherwise the missing database is created empty, the
 * restore skips it, and its empty generation becomes the replica's newest.
 */
class RestoreOrderingTests {

	@TempDir
	Path dir;

	private Path path;

	private Path replica;

	@BeforeEach
	void backup() throws Exception {
		this.path = this.dir.resolve("app.db");
		this.replica = this.dir.resolve("replica");
		try (Harness harness = new Harness(this.path, new FileReplicaClient(this.replica))) {
			harness.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)",
					"INSERT INTO notes (text) VALUES ('from the backup')");
			harness.sync();
		}
		for (String suffix : new String[] { "", "-wal", "-shm" }) {
			Files.deleteIfExists(Path.of(this.path + suffix));
		}
	}

	@Test
	void aLazilyInitialisedContextRestoresBeforeReplicationStarts() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LitestreamAutoConfiguration.class))
			.withInitializer(
					(context) -> context.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
			.withPropertyValues("litestream.databases.app.path=" + this.path,
					"litestream.databases.app.replicas.backup.url=" + this.replica.toUri())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(Sql.dump(this.path).get("notes")).containsExactly("1|from the backup");
			});
	}

	@Test
	void flywayWithItsOwnUrlMigratesTheRestoredDatabase() throws Exception {
		Path migrations = Files.createDirectories(this.dir.resolve("migrations"));
		Files.writeString(migrations.resolve("V2__note.sql"), "INSERT INTO notes (text) VALUES ('migrated');\n");
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LitestreamAutoConfiguration.class, FlywayAutoConfiguration.class))
			.withPropertyValues("litestream.databases.app.path=" + this.path,
					"litestream.databases.app.replicas.backup.url=" + this.replica.toUri(),
					"spring.flyway.url=jdbc:sqlite:" + this.path, "spring.flyway.locations=filesystem:" + migrations,
					"spring.flyway.baseline-on-migrate=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(Sql.dump(this.path).get("notes")).containsExactly("1|from the backup", "2|migrated");
			});
	}

	/**
	 * An application's own Liquibase bean on a DataSource of its own (not a bean),
	 * created before any auto-configured bean.
	 */
	@Test
	void anApplicationsOwnLiquibaseMigratesTheRestoredDatabase() throws Exception {
		Path changelog = Files.writeString(this.dir.resolve("changelog.sql"),
				"--liquibase formatted sql\n--changeset litestream:1\nINSERT INTO notes (text) VALUES ('migrated');\n");
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LitestreamAutoConfiguration.class))
			.withBean("liquibase", SpringLiquibase.class, () -> {
				SQLiteDataSource dataSource = new SQLiteDataSource();
				dataSource.setUrl("jdbc:sqlite:" + this.path);
				SpringLiquibase liquibase = new SpringLiquibase();
				liquibase.setDataSource(dataSource);
				liquibase.setChangeLog("file:" + changelog);
				return liquibase;
			})
			.withPropertyValues("litestream.databases.app.path=" + this.path,
					"litestream.databases.app.replicas.backup.url=" + this.replica.toUri())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(Sql.dump(this.path).get("notes")).containsExactly("1|from the backup", "2|migrated");
			});
	}

	/**
	 * An application's own Flyway bean, on a URL of its own, created before any
	 * auto-configured bean.
	 */
	@Test
	void anApplicationsOwnFlywayMigratesTheRestoredDatabase() throws Exception {
		Path migrations = Files.createDirectories(this.dir.resolve("migrations"));
		Files.writeString(migrations.resolve("V2__note.sql"), "INSERT INTO notes (text) VALUES ('migrated');\n");
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LitestreamAutoConfiguration.class))
			.withBean("flyway", Flyway.class,
					() -> Flyway.configure()
						.dataSource("jdbc:sqlite:" + this.path, null, null)
						.locations("filesystem:" + migrations)
						.baselineOnMigrate(true)
						.load(),
					(definition) -> definition.setInitMethodName("migrate"))
			.withPropertyValues("litestream.databases.app.path=" + this.path,
					"litestream.databases.app.replicas.backup.url=" + this.replica.toUri())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(Sql.dump(this.path).get("notes")).containsExactly("1|from the backup", "2|migrated");
			});
	}

}
