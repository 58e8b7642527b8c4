package io.github.jlitestream.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.NoBackupException;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.support.Sql;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ReplicationManager}: threads, graceful stop, status and restore when
 * the database is missing.
 */
class ReplicationManagerTests {

	@TempDir
	Path dir;

	@Test
	void gracefulStopLosesNothingAndRestoreIfMissingBringsItBack() throws Exception {
		Path path = this.dir.resolve("app.db");
		Map<String, List<String>> expected;
		ReplicationManager manager = manager(path);
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			manager.start();
			for (int i = 0; i < 100; i++) {
				Sql.execute(app, "INSERT INTO t VALUES ('row " + i + "')");
			}
			Sql.execute(app, "INSERT INTO t VALUES ('the last one')");
			assertThat(manager.stop()).isTrue();
			expected = Sql.dump(app);
		}
		deleteDatabase(path);
		ReplicationManager restarted = manager(path);
		RestoreResult result = restarted.database("app")
			.orElseThrow()
			.restoreIfMissing(8, RestoreProgress.NONE)
			.orElseThrow();
		assertThat(result.path()).isEqualTo(path);
		assertThat(Sql.dump(path)).isEqualTo(expected);
		assertThat(restarted.database("app").orElseThrow().restoreIfMissing(8, RestoreProgress.NONE)).isEmpty();
	}

	@Test
	void restoreIfMissingStartsEmptyWithoutBackup() throws Exception {
		Path path = this.dir.resolve("app.db");
		assertThat(manager(path).database("app").orElseThrow().restoreIfMissing(8, RestoreProgress.NONE)).isEmpty();
		assertThat(path).doesNotExist();
	}

	@Test
	void restoreIfMissingFailsOnDamagedBackup() throws Exception {
		Path path = this.dir.resolve("app.db");
		ReplicationManager manager = manager(path);
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('x')");
			manager.start();
			manager.stop();
		}
		deleteDatabase(path);
		try (Stream<Path> files = Files.walk(this.dir.resolve("a"))) {
			for (Path file : files.filter((f) -> f.toString().endsWith(".snapshot.lz4")).toList()) {
				Files.write(file, new byte[] { 1, 2, 3 });
			}
		}
		try (Stream<Path> files = Files.walk(this.dir.resolve("b"))) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				Files.delete(file);
			}
		}
		assertThatExceptionOfType(CorruptReplicaException.class)
			.isThrownBy(() -> manager(path).database("app").orElseThrow().restoreIfMissing(8, RestoreProgress.NONE))
			.withMessageContaining(".snapshot.lz4");
		assertThat(path).doesNotExist();
	}

	@Test
	void reportsStatusPerReplica() throws Exception {
		Path path = this.dir.resolve("app.db");
		ReplicationManager manager = manager(path);
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			manager.start();
			Sql.execute(app, "INSERT INTO t VALUES ('x')");
			long deadline = System.currentTimeMillis() + 10_000;
			while (System.currentTimeMillis() < deadline && manager.status()
				.get(0)
				.replicas()
				.stream()
				.anyMatch((r) -> !r.lag().isZero() || r.position() == null)) {
				Thread.sleep(20);
			}
			DatabaseStatus status = manager.status().get(0);
			assertThat(status.name()).isEqualTo("app");
			assertThat(status.replicas()).extracting(ReplicaStatus::name).containsExactly("a", "b");
			assertThat(status.replicas()).allSatisfy((replica) -> {
				assertThat(replica.position()).isEqualTo(status.position());
				assertThat(replica.lag()).isZero();
				assertThat(replica.lastError()).isNull();
				assertThat(replica.type()).isEqualTo("file");
			});
		}
		finally {
			manager.stop();
		}
	}

	@Test
	void rejectsDuplicateReplicaNames() {
		ReplicationManager manager = new ReplicationManager();
		FileReplicaClient client = new FileReplicaClient(this.dir.resolve("a"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> manager.add("app", DatabaseOptions.of(this.dir.resolve("app.db")),
					List.of(new ReplicaSpec(client, ReplicaOptions.of("s3")),
							new ReplicaSpec(client, ReplicaOptions.of("s3")))))
			.withMessageContaining("two replicas named 's3'");
	}

	@Test
	void aFirstStartWithoutBackupIsNotAFailedRestore() throws Exception {
		Path path = this.dir.resolve("app.db");
		List<String> restores = new CopyOnWriteArrayList<>();
		ReplicationListener listener = new ReplicationListener() {

			@Override
			public void onRestore(String database, long bytes, Duration duration, @Nullable Throwable failure) {
				restores.add((failure == null) ? "restored" : failure.getClass().getSimpleName());
			}

		};
		ReplicationManager manager = new ReplicationManager(listener, Clock.systemUTC());
		DatabaseReplication replication = manager.add("app", DatabaseOptions.of(path),
				List.of(new ReplicaSpec(new FileReplicaClient(this.dir.resolve("a")), ReplicaOptions.of("a"))));
		assertThat(replication.restoreIfMissing(8, RestoreProgress.NONE)).isEmpty();
		assertThat(restores).as("a first start is no failed restore").isEmpty();
		// a restore asked for finds nothing: that one fails
		assertThatExceptionOfType(NoBackupException.class).isThrownBy(
				() -> replication.restore(RestoreOptions.latest(this.dir.resolve("copy.db")), RestoreProgress.NONE));
		assertThat(restores).containsExactly("NoBackupException");
	}

	private ReplicationManager manager(Path path) {
		ReplicationManager manager = new ReplicationManager();
		manager.add("app", DatabaseOptions.builder(path).monitorInterval(Duration.ofMillis(100)).build(),
				List.of(new ReplicaSpec(new FileReplicaClient(this.dir.resolve("a")), ReplicaOptions.of("a")),
						new ReplicaSpec(new FileReplicaClient(this.dir.resolve("b")), ReplicaOptions.of("b"))));
		return manager;
	}

	private static void deleteDatabase(Path path) throws Exception {
		for (String suffix : new String[] { "", "-wal", "-shm" }) {
			Files.deleteIfExists(path.resolveSibling(path.getFileName() + suffix));
		}
	}

}
