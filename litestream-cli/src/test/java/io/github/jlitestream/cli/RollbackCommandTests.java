package io.github.jlitestream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.DatabaseStatus;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18, through the command line for a service that is down: {@code rollback} stages
 * the rollback from the application's own settings, {@code -show} shows it, the next
 * start applies it; {@code -cancel} takes one back; a time outside the window stages
 * nothing.
 */
class RollbackCommandTests {

	@TempDir
	Path dir;

	@Test
	void aRollbackStagedByTheCommandLineIsAppliedAtTheNextStart() throws Exception {
		Path db = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		Map<String, List<String>> before;
		Instant noted;
		ReplicationManager service = manager(db, replica);
		try (Connection app = Sql.connect(db)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			service.start();
			for (int i = 0; i < 10; i++) {
				Sql.execute(app, "INSERT INTO t (v) VALUES ('row " + i + "')");
			}
			awaitCaughtUp(service);
			before = Sql.dump(app);
			Thread.sleep(1100);
			noted = Instant.now();
			Thread.sleep(1100);
			Sql.execute(app, "DELETE FROM t");
			awaitCaughtUp(service);
		}
		finally {
			service.stop();
		}
		// the service is down
		Path properties = this.dir.resolve("application.properties");
		Files.writeString(properties, """
				litestream.databases.app.path=%s
				litestream.databases.app.replicas.backup.url=%s
				""".formatted(db, replica.toUri()));
		Cli outside = Cli.run("rollback", "-config", properties.toString(), "-timestamp", "2001-01-01T00:00:00Z");
		assertThat(outside.exitCode()).as(outside.toString()).isEqualTo(ExitCode.NO_BACKUP);
		assertThat(Cli.run("rollback", "-config", properties.toString(), "-show").out())
			.contains("staged:        none");

		Cli staged = Cli.run("rollback", "-config", properties.toString(), "-timestamp", noted.toString());
		assertThat(staged.exitCode()).as(staged.toString()).isZero();
		assertThat(staged.out()).contains("staged the rollback of " + db + " to timestamp " + noted);
		assertThat(Sql.count(db, "t")).as("the live database is not touched").isZero();
		assertThat(Cli.run("rollback", "-config", properties.toString(), "-show").out())
			.contains("staged:        timestamp " + noted)
			.contains("by litestream-cli by ");
		Cli again = Cli.run("rollback", "-config", properties.toString(), "-timestamp", noted.toString());
		assertThat(again.exitCode()).isEqualTo(ExitCode.FAILURE);
		assertThat(again.err()).contains("is staged already");

		ReplicationManager next = manager(db, replica);
		assertThat(next.databases().get(0).rollback().applyIfStaged()).isPresent();
		next.start();
		try {
			assertThat(Sql.dump(db)).isEqualTo(before);
		}
		finally {
			next.stop();
		}
		assertThat(Cli.run("rollback", "-config", properties.toString(), "-show").out())
			.contains("last applied:  timestamp " + noted);

		assertThat(Cli.run("rollback", "-config", properties.toString(), "-timestamp", noted.toString()).exitCode())
			.isZero();
		Cli cancelled = Cli.run("rollback", "-config", properties.toString(), "-cancel");
		assertThat(cancelled.exitCode()).as(cancelled.toString()).isZero();
		assertThat(cancelled.out()).contains("cancelled the rollback");
		assertThat(manager(db, replica).databases().get(0).rollback().applyIfStaged()).isEmpty();
		assertThat(Cli.run("rollback", "-config", properties.toString(), "-cancel").exitCode())
			.isEqualTo(ExitCode.USAGE);
	}

	private static ReplicationManager manager(Path db, Path replica) {
		ReplicationManager manager = new ReplicationManager();
		manager.add("app", DatabaseOptions.builder(db).monitorInterval(Duration.ofMillis(50)).build(),
				List.of(new ReplicaSpec(new FileReplicaClient(replica),
						ReplicaOptions.builder("backup").syncInterval(Duration.ofMillis(50)).build())));
		return manager;
	}

	private static void awaitCaughtUp(ReplicationManager manager) throws Exception {
		Await.until(Duration.ofSeconds(20), () -> {
			DatabaseStatus status = manager.status().get(0);
			return status.position() != null && status.position().equals(status.replicas().get(0).position());
		});
	}

}
