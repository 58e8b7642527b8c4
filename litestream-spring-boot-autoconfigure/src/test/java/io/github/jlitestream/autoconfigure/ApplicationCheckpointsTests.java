package io.github.jlitestream.autoconfigure;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HikariCP pools on a replicated database leave checkpoints to the engine (SQLite's
 * auto-checkpoint at twice the max checkpoint page count), checked on a real connection;
 * pools that choose for themselves, pools on other databases, and every pool when the
 * property turns it off, keep what they have.
 */
class ApplicationCheckpointsTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LitestreamAutoConfiguration.class));

	@Test
	void poolsOnAReplicatedDatabaseCheckpointAboveTheEnginesMaxPageCount() {
		Path path = this.dir.resolve("app.db");
		replicating(path, "litestream.databases.app.max-checkpoint-page-count=3000")
			.withBean(DataSource.class, () -> pool("jdbc:sqlite:" + path))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(autocheckpoint(context.getBean(DataSource.class))).isEqualTo(6000);
			});
	}

	@Test
	void urlsWithAFilePrefixAndParametersNameTheSameDatabase() {
		Path path = this.dir.resolve("app.db");
		replicating(path).withBean(DataSource.class, () -> pool("jdbc:sqlite:file:" + path + "?busy_timeout=5000"))
			.run((context) -> assertThat(autocheckpoint(context.getBean(DataSource.class))).isEqualTo(20000));
	}

	@Test
	void aPoolThatSetsItKeepsItsOwnValue() {
		Path path = this.dir.resolve("app.db");
		replicating(path).withBean(DataSource.class, () -> {
			HikariDataSource pool = pool("jdbc:sqlite:" + path);
			pool.addDataSourceProperty("wal_autocheckpoint", "500");
			return pool;
		}).run((context) -> assertThat(autocheckpoint(context.getBean(DataSource.class))).isEqualTo(500));
	}

	@Test
	void springBootsPoolGetsItAndKeepsAValueSetThroughItsProperties() {
		Path path = this.dir.resolve("app.db");
		ApplicationContextRunner boot = replicating(path, "spring.datasource.url=jdbc:sqlite:" + path)
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class));
		boot.run((context) -> assertThat(autocheckpoint(context.getBean(DataSource.class))).isEqualTo(20000));
		boot.withPropertyValues("spring.datasource.hikari.data-source-properties.wal_autocheckpoint=700")
			.run((context) -> assertThat(autocheckpoint(context.getBean(DataSource.class))).isEqualTo(700));
	}

	@Test
	void poolsOnOtherDatabasesAreLeftAlone() {
		Path other = this.dir.resolve("other.db");
		replicating(this.dir.resolve("app.db")).withBean(DataSource.class, () -> pool("jdbc:sqlite:" + other))
			.run((context) -> assertThat(autocheckpoint(context.getBean(DataSource.class))).isEqualTo(1000));
	}

	@Test
	void thePropertyTurnsItOff() {
		Path path = this.dir.resolve("app.db");
		replicating(path, "litestream.defer-application-checkpoints=false")
			.withBean(DataSource.class, () -> pool("jdbc:sqlite:" + path))
			.run((context) -> assertThat(autocheckpoint(context.getBean(DataSource.class))).isEqualTo(1000));
	}

	private ApplicationContextRunner replicating(Path path, String... more) {
		return this.runner
			.withPropertyValues("litestream.databases.app.path=" + path,
					"litestream.databases.app.replicas[0].url=" + this.dir.resolve("replica").toUri())
			.withPropertyValues(more);
	}

	private static HikariDataSource pool(String url) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(url);
		pool.setMaximumPoolSize(2);
		return pool;
	}

	private static int autocheckpoint(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("PRAGMA wal_autocheckpoint")) {
			rs.next();
			return rs.getInt(1);
		}
	}

}
