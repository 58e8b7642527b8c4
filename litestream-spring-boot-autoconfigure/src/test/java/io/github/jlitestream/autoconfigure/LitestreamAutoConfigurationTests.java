package io.github.jlitestream.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Base64;
import java.util.List;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.DatabaseReplication;
import io.github.jlitestream.core.ReplicaStatus;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LitestreamAutoConfiguration}.
 */
class LitestreamAutoConfigurationTests {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LitestreamAutoConfiguration.class));

	@Test
	void replicatesConfiguredDatabase() {
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + this.dir.resolve("app.db"),
					"litestream.databases.app.replicas[0].url=" + this.dir.resolve("replica").toUri(),
					"litestream.databases.app.replicas[0].sync-interval=250ms")
			.run((context) -> {
				assertThat(context).hasSingleBean(ReplicationManager.class)
					.hasSingleBean(LitestreamRestoreInitializer.class)
					.hasSingleBean(ReplicationLifecycle.class);
				ReplicationManager manager = context.getBean(ReplicationManager.class);
				DatabaseReplication app = manager.database("app").orElseThrow();
				assertThat(app.database().options().path()).isEqualTo(this.dir.resolve("app.db"));
				assertThat(app.replicas()).singleElement().satisfies((replica) -> {
					assertThat(replica.name()).isEqualTo("file");
					assertThat(replica.options().syncInterval()).hasMillis(250);
					assertThat(replica.client().location()).isEqualTo(this.dir.resolve("replica").toUri().toString());
				});
				assertThat(manager.isRunning()).isTrue();
			});
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner
			.withPropertyValues("litestream.enabled=false",
					"litestream.databases.app.path=" + this.dir.resolve("app.db"),
					"litestream.databases.app.replicas[0].url=file:///nowhere")
			.run((context) -> assertThat(context).doesNotHaveBean(ReplicationManager.class)
				.doesNotHaveBean(LitestreamRestoreInitializer.class));
	}

	@Test
	void userManagerWins() {
		ReplicationManager mine = new ReplicationManager();
		this.runner.withBean(ReplicationManager.class, () -> mine)
			.withPropertyValues("litestream.databases.app.path=" + this.dir.resolve("app.db"),
					"litestream.databases.app.replicas[0].url=" + this.dir.resolve("replica").toUri())
			.run((context) -> assertThat(context.getBean(ReplicationManager.class)).isSameAs(mine));
	}

	@Test
	void replicatesTheDataSourceDatabaseByDefault() {
		Path path = this.dir.resolve("default.db");
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:sqlite:" + path,
					"litestream.replicas[0].url=" + this.dir.resolve("replica").toUri(),
					"litestream.replicas[0].name=local")
			.run((context) -> {
				DatabaseReplication replication = context.getBean(ReplicationManager.class)
					.database("default")
					.orElseThrow();
				assertThat(replication.database().options().path()).isEqualTo(path);
				assertThat(replication.replicas()).extracting((r) -> r.name()).containsExactly("local");
			});
	}

	@Test
	void noDatabaseConfiguredIsNotAnError() {
		this.runner.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost/app")
			.run((context) -> assertThat(context.getBean(ReplicationManager.class).databases()).isEmpty());
	}

	@Test
	void restoresBeforeTheDataSourceAndReplicatesUntilShutdown() throws Exception {
		Path path = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		try (Harness harness = new Harness(path, new FileReplicaClient(replica))) {
			harness.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)",
					"INSERT INTO notes (text) VALUES ('from the backup')");
			harness.sync();
		}
		for (String suffix : new String[] { "", "-wal", "-shm" }) {
			Files.deleteIfExists(Path.of(path + suffix));
		}
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + path,
					"litestream.databases.app.replicas[0].url=" + replica.toUri())
			.withBean(DataSource.class, () -> {
				// created after the restore: the file is already there
				assertThat(path).exists();
				HikariDataSource dataSource = new HikariDataSource();
				dataSource.setJdbcUrl("jdbc:sqlite:" + path);
				return dataSource;
			})
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (Connection connection = context.getBean(DataSource.class).getConnection()) {
					assertThat(Sql.dump(connection).get("notes")).containsExactly("1|from the backup");
					Sql.execute(connection, "INSERT INTO notes (text) VALUES ('written just before shutdown')");
				}
			});
		Path restored = this.dir.resolve("restored.db");
		new Restorer(new Lz4FrameCodec()).restore(new FileReplicaClient(replica), RestoreOptions.latest(restored),
				RestoreProgress.NONE);
		assertThat(Sql.dump(restored).get("notes")).containsExactly("1|from the backup",
				"2|written just before shutdown");
	}

	@Test
	void restoresTheGenerationThePropertyNames() throws Exception {
		Path path = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		String older;
		try (Harness harness = new Harness(path, new FileReplicaClient(replica))) {
			harness.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)",
					"INSERT INTO notes (text) VALUES ('older generation')");
			harness.sync();
			older = harness.database().position().generation().id();
			harness.closeEngine();
			harness.execute("INSERT INTO notes (text) VALUES ('newer generation')", "PRAGMA wal_checkpoint(TRUNCATE)");
			harness.openEngine();
			harness.sync();
			assertThat(harness.database().position().generation().id()).isNotEqualTo(older);
		}
		for (String suffix : new String[] { "", "-wal", "-shm" }) {
			Files.deleteIfExists(Path.of(path + suffix));
		}
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + path,
					"litestream.databases.app.replicas[0].url=" + replica.toUri(),
					"litestream.databases.app.restore.generation=" + older)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(Sql.dump(path).get("notes")).containsExactly("1|older generation");
			});
	}

	@Test
	void rejectsAGenerationThatIsNoGenerationId() {
		assertConfigurationFailure(
				List.of("litestream.databases.app.path=" + this.dir.resolve("app.db"),
						"litestream.databases.app.replicas[0].url=" + this.dir.resolve("a").toUri(),
						"litestream.databases.app.restore.generation=latest"),
				"litestream.databases.app.restore.generation", "is not a generation id", "0a1b2c3d4e5f6071");
	}

	@Test
	void startsEmptyWhenNoReplicaHasABackup() {
		Path path = this.dir.resolve("data/app.db");
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + path,
					"litestream.databases.app.replicas[0].url=" + this.dir.resolve("replica").toUri())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(path.getParent()).isDirectory();
			});
	}

	@Test
	void failsToStartWhenTheBackupCannotBeRestored() throws Exception {
		Path path = this.dir.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		try (Harness harness = new Harness(path, new FileReplicaClient(replica))) {
			harness.execute("CREATE TABLE t (v TEXT)");
			harness.sync();
		}
		for (String suffix : new String[] { "", "-wal", "-shm" }) {
			Files.deleteIfExists(Path.of(path + suffix));
		}
		try (var files = Files.walk(replica)) {
			for (Path file : files.filter((f) -> f.toString().endsWith(".wal.lz4")).toList()) {
				Files.write(file, new byte[] { 4, 34, 77, 24, 100, 112, (byte) 185, 9, 9, 9 });
			}
		}
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + path,
					"litestream.databases.app.replicas[0].url=" + replica.toUri())
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				FailureAnalysis analysis = new LitestreamRestoreFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription())
					.contains("Database 'app' (" + path + ") is missing and could not " + "be restored")
					.contains(".wal.lz4")
					.contains("damaged");
				assertThat(analysis.getAction()).contains("litestream.databases.app.restore.mode=never");
				assertThat(path).doesNotExist();
			});
	}

	@Test
	void reportsAnUnreachableReplicaWithoutStopping() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Connection connection = Sql.connect(path)) {
			Sql.execute(connection, "CREATE TABLE t (v TEXT)");
		}
		Path blocked = this.dir.resolve("blocked");
		Files.writeString(blocked, "a file where the replica directory should be");
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + path,
					"litestream.databases.app.replicas[0].url=" + blocked.toUri(),
					"litestream.databases.app.replicas[0].sync-interval=50ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ReplicationManager manager = context.getBean(ReplicationManager.class);
				long deadline = System.currentTimeMillis() + 10_000;
				while (manager.status().get(0).replicas().get(0).lastError() == null
						&& System.currentTimeMillis() < deadline) {
					Thread.sleep(20);
				}
				ReplicaStatus status = manager.status().get(0).replicas().get(0);
				assertThat(status.lastError()).contains(blocked.toString());
				assertThat(status.consecutiveFailures()).isPositive();
			});
	}

	@Test
	void rejectsUnknownScheme() {
		assertConfigurationFailure(
				List.of("litestream.databases.app.path=" + this.dir.resolve("app.db"),
						"litestream.databases.app.replicas[0].url=gs://bucket/db"),
				"litestream.databases.app.replicas[0].url", "unknown scheme 'gs'", "s3://bucket/prefix");
	}

	@Test
	void rejectsMissingDirectoryWithoutRestore() {
		Path path = this.dir.resolve("missing/app.db");
		assertConfigurationFailure(
				List.of("litestream.databases.app.path=" + path, "litestream.databases.app.restore.mode=never",
						"litestream.databases.app.replicas[0].url=" + this.dir.resolve("replica").toUri()),
				"litestream.databases.app.path", "directory " + path.getParent() + " does not exist",
				"restore.mode=if-missing");
	}

	@Test
	void rejectsTwoReplicasWithOneName() {
		assertConfigurationFailure(
				List.of("litestream.databases.app.path=" + this.dir.resolve("app.db"),
						"litestream.databases.app.replicas[0].url=" + this.dir.resolve("a").toUri(),
						"litestream.databases.app.replicas[1].url=" + this.dir.resolve("b").toUri()),
				"litestream.databases.app.replicas[1].name", "another replica of database 'app' has this name",
				"unique");
	}

	@Test
	void rejectsNegativeInterval() {
		assertConfigurationFailure(
				List.of("litestream.databases.app.path=" + this.dir.resolve("app.db"),
						"litestream.databases.app.replicas[0].url=" + this.dir.resolve("a").toUri(),
						"litestream.databases.app.replicas[0].sync-interval=-1s"),
				"litestream.databases.app.replicas[0].sync-interval", "must be a positive duration", "1s");
	}

	/** Issue 15.13: a path that is not a SQLite file printed a 135-line stack trace. */
	@Test
	void rejectsAPathThatIsNotASqliteDatabase() throws Exception {
		Path notes = Files.writeString(this.dir.resolve("notes.txt"), "not a database, just notes");
		assertConfigurationFailure(
				List.of("litestream.databases.app.path=" + notes,
						"litestream.databases.app.replicas.backup.url=" + this.dir.resolve("a").toUri()),
				"litestream.databases.app.path", "is not a SQLite database", "SQLite format 3");
		assertConfigurationFailure(
				List.of("litestream.databases.app.path=" + this.dir,
						"litestream.databases.app.replicas.backup.url=" + this.dir.resolve("a").toUri()),
				"litestream.databases.app.path", "is a directory", "app.db");
	}

	@Test
	void rejectsDatabaseWithoutPathOrReplica() {
		assertConfigurationFailure(List.of("litestream.databases.app.replicas[0].url=file:///tmp/x"),
				"litestream.databases.app.path", "a database needs a path", "Set litestream.databases.app.path");
		assertConfigurationFailure(List.of("litestream.databases.app.path=" + this.dir.resolve("app.db")),
				"litestream.databases.app.replicas", "a database needs a replica", "replicas.backup.url");
	}

	@Test
	void rejectsALeaseTtlBelowOneSecond() {
		assertConfigurationFailure(
				List.of("litestream.databases.app.path=" + this.dir.resolve("app.db"),
						"litestream.databases.app.replicas[0].url=" + this.dir.resolve("replica").toUri(),
						"litestream.databases.app.replicas[0].lease-ttl=500ms"),
				"litestream.databases.app.replicas[0].lease-ttl", "must be 0 (no lease) or at least 1s", "Use 30s");
	}

	@Test
	void rejectsInvalidS3Settings() {
		assertConfigurationFailure(
				List.of("litestream.databases.app.path=" + this.dir.resolve("app.db"),
						"litestream.databases.app.replicas[0].url=s3:///no-bucket"),
				"litestream.databases.app.replicas[0].url", "bucket", "s3://bucket/prefix");
		assertConfigurationFailure(
				List.of("litestream.databases.app.path=" + this.dir.resolve("app.db"),
						"litestream.databases.app.replicas[0].url=s3://bucket/db",
						"litestream.databases.app.replicas[0].endpoint=not a url"),
				"litestream.databases.app.replicas[0].endpoint", "not a valid endpoint URL", "http://127.0.0.1:9000");
	}

	@Test
	void encryptsAndCompressesAsConfigured() throws Exception {
		String key = Base64.getEncoder().encodeToString(new byte[32]);
		Path keyFile = this.dir.resolve("key");
		Files.writeString(keyFile, key + "\n");
		Path path = this.dir.resolve("app.db");
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('top secret value')");
		}
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + path,
					"litestream.databases.app.replicas[0].url=" + this.dir.resolve("zstd").toUri(),
					"litestream.databases.app.replicas[0].name=zstd",
					"litestream.databases.app.replicas[0].compression=zstd",
					"litestream.databases.app.replicas[0].encryption.key-file=" + keyFile,
					"litestream.databases.app.replicas[1].url=" + this.dir.resolve("lz4").toUri(),
					"litestream.databases.app.replicas[1].name=lz4",
					"litestream.databases.app.replicas[1].encryption.key=" + key)
			.run((context) -> {
				ReplicationManager manager = context.getBean(ReplicationManager.class);
				assertThat(manager.database("app").orElseThrow().replicas())
					.allSatisfy((replica) -> assertThat(((ReplicaCodec) replica.codec()).encrypted()).isTrue());
				assertThat(manager.database("app").orElseThrow().replicas().get(0).codec().compression())
					.isEqualTo(Compression.ZSTD);
			});
		try (var files = Files.walk(this.dir.resolve("zstd"))) {
			List<Path> stored = files.filter(Files::isRegularFile).toList();
			assertThat(stored).isNotEmpty().allSatisfy((file) -> {
				if (file.startsWith(this.dir.resolve("zstd/generations"))) {
					assertThat(file.toString()).endsWith(".zst");
				}
				else {
					// the lease object and its lock file: who writes the replica, no data
					assertThat(file.getFileName().toString()).isIn("lease", "lease.lock");
				}
				assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
					.doesNotContain("top secret value");
			});
		}
		Files.delete(path);
		Files.deleteIfExists(Path.of(path + "-wal"));
		Files.deleteIfExists(Path.of(path + "-shm"));
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + path,
					"litestream.databases.app.replicas[0].url=" + this.dir.resolve("zstd").toUri(),
					"litestream.databases.app.replicas[0].compression=zstd",
					"litestream.databases.app.replicas[0].encryption.key=" + key)
			.run((context) -> assertThat(Sql.dump(path).get("t")).containsExactly("top secret value"));
	}

	@Test
	void rejectsBadKeysWithoutShowingThem() {
		String shortKey = Base64.getEncoder().encodeToString(new byte[16]);
		this.runner
			.withPropertyValues("litestream.databases.app.path=" + this.dir.resolve("app.db"),
					"litestream.databases.app.replicas[0].url=" + this.dir.resolve("a").toUri(),
					"litestream.databases.app.replicas[0].encryption.key=" + shortKey)
			.run((context) -> {
				FailureAnalysis analysis = new LitestreamFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("litestream.databases.app.replicas[0].encryption.key")
					.contains("must be 32 bytes")
					.doesNotContain(shortKey);
				assertThat(analysis.getAction()).contains("openssl rand -base64 32");
			});
		assertConfigurationFailure(
				List.of("litestream.databases.app.path=" + this.dir.resolve("app.db"),
						"litestream.databases.app.replicas[0].url=" + this.dir.resolve("a").toUri(),
						"litestream.databases.app.replicas[0].compression=brotli"),
				"litestream.databases.app.replicas[0].compression", "unknown compression", "lz4");
	}

	private void assertConfigurationFailure(List<String> properties, String property, String problem, String action) {
		this.runner.withPropertyValues(properties.toArray(String[]::new)).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new LitestreamFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
			assertThat(analysis.getDescription()).contains(property).contains(problem);
			assertThat(analysis.getAction()).contains(action);
		});
	}

}
