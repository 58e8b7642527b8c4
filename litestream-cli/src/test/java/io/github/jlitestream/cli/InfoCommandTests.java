package io.github.jlitestream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.github.jlitestream.core.DatabaseOptions;
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
 * {@code info} and the listings on a replica that a running engine writes: the restore
 * window, the bytes and objects the store holds, the newest position and the instance
 * holding the lease.
 */
class InfoCommandTests {

	@TempDir
	Path dir;

	@Test
	void infoShowsWhatTheReplicaHoldsAndWhoWritesIt() throws Exception {
		Path replica = this.dir.resolve("replica");
		ReplicationManager manager = new ReplicationManager();
		manager.add("app",
				DatabaseOptions.builder(this.dir.resolve("app.db")).monitorInterval(Duration.ofMillis(50)).build(),
				List.of(new ReplicaSpec(new FileReplicaClient(replica),
						ReplicaOptions.builder("backup").syncInterval(Duration.ofMillis(50)).build())));
		try (Connection app = Sql.connect(this.dir.resolve("app.db"))) {
			Sql.execute(app, "CREATE TABLE t (v TEXT)");
			manager.start();
			for (int i = 0; i < 20; i++) {
				Sql.execute(app, "INSERT INTO t VALUES ('row " + i + "')");
			}
			Await.until(Duration.ofSeconds(20), () -> manager.status().get(0).replicas().get(0).lag().isZero()
					&& manager.status().get(0).replicas().get(0).position() != null);
			String url = replica.toUri().toString();
			Cli info = Cli.run("info", url);
			assertThat(info.exitCode()).as(info.toString()).isZero();
			long bytes;
			long objects;
			try (Stream<Path> files = Files.walk(replica.resolve("generations"))) {
				List<Path> stored = files.filter(Files::isRegularFile).toList();
				objects = stored.size();
				bytes = stored.stream().mapToLong((file) -> file.toFile().length()).sum();
			}
			assertThat(info.out()).contains("generations:     1")
				.contains("restore window:  ")
				.contains("storage:         " + bytes + " bytes")
				.contains("in " + objects + " objects")
				.contains("newest:          generation " + manager.status().get(0).position().generation())
				.contains("lease:           instance ")
				.contains("pid " + ProcessHandle.current().pid());
			Cli json = Cli.run("info", "-json", url);
			assertThat(json.out()).contains("\"objects\":" + objects).contains("\"bytes\":" + bytes);
			Cli wal = Cli.run("wal", "-json", url);
			assertThat(wal.out()).startsWith("[{\"replica\":\"file\",\"generation\":");
		}
		finally {
			manager.stop();
		}
		Cli released = Cli.run("info", replica.toUri().toString());
		assertThat(released.out()).contains("released at");
	}

}
