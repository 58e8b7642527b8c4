package io.github.jlitestream.core;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;

import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.ship.Replica;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicates a database to a file replica and restores it.
 */
class ReplicationRoundTripTests {

	@TempDir
	Path dir;

	private Database database;

	@AfterEach
	void close() {
		if (this.database != null) {
			this.database.close();
		}
	}

	@Test
	void restoresEveryRowAcrossCheckpoints() throws Exception {
		Path path = this.dir.resolve("app.db");
		FileReplicaClient client = new FileReplicaClient(this.dir.resolve("replica"));
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			DatabaseOptions options = DatabaseOptions.builder(path)
				.minCheckpointPageCount(10)
				.maxCheckpointPageCount(50)
				.truncatePageCount(0)
				.build();
			this.database = new Database("app", options, ReplicationListener.NONE, Clock.systemUTC());
			this.database.open();
			Replica replica = new Replica(this.database, client, ReplicaOptions.of("file"), new Lz4FrameCodec(),
					ReplicationListener.NONE, Clock.systemUTC());
			for (int i = 0; i < 200; i++) {
				Sql.execute(app, "INSERT INTO t (v) VALUES ('" + "x".repeat(500) + i + "')");
				if (i % 20 == 0) {
					this.database.sync();
					replica.sync();
				}
			}
			this.database.sync();
			replica.sync();
			assertThat(replica.position()).isEqualTo(this.database.position());
			Path restored = this.dir.resolve("restored.db");
			RestoreResult result = new Restorer(new Lz4FrameCodec()).restore(client, RestoreOptions.latest(restored),
					RestoreProgress.NONE);
			assertThat(result.position()).isEqualTo(this.database.position());
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(app));
			assertThat(Sql.count(restored, "t")).isEqualTo(200);
			assertThat(result.position().index()).isGreaterThan(0);
		}
	}

}
