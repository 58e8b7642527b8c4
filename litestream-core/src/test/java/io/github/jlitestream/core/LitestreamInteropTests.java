package io.github.jlitestream.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.ship.Replica;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.LitestreamBinary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interoperability with the real Litestream v0.3.13 binary, both ways, on file replicas.
 */
class LitestreamInteropTests {

	@TempDir
	Path dir;

	@Test
	void litestreamRestoresOurReplica() throws Exception {
		Path path = this.dir.resolve("ours.db");
		Path replicaDir = this.dir.resolve("replica");
		FileReplicaClient client = new FileReplicaClient(replicaDir);
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, b BLOB)");
			try (Database database = new Database("ours",
					DatabaseOptions.builder(path)
						.minCheckpointPageCount(20)
						.maxCheckpointPageCount(100)
						.truncatePageCount(0)
						.build(),
					ReplicationListener.NONE, Clock.systemUTC())) {
				database.open();
				Replica replica = new Replica(database, client, ReplicaOptions.of("file"), new Lz4FrameCodec(),
						ReplicationListener.NONE, Clock.systemUTC());
				for (int i = 0; i < 300; i++) {
					Sql.execute(app,
							"INSERT INTO t (v, b) VALUES ('row " + i + "', randomblob(" + (i * 37 % 3000) + "))");
					if (i % 25 == 0) {
						database.sync();
						replica.sync();
					}
				}
				Sql.execute(app, "UPDATE t SET v = v || ' updated' WHERE id % 3 = 0", "DELETE FROM t WHERE id % 7 = 0");
				database.sync();
				replica.sync();
				assertThat(replica.snapshot()).isTrue();
				Sql.execute(app, "INSERT INTO t (v) VALUES ('after snapshot')");
				database.sync();
				replica.sync();
				assertThat(replica.position().index()).isGreaterThan(2);
			}
			Path restored = this.dir.resolve("restored-by-litestream.db");
			LitestreamBinary.Result result = LitestreamBinary.run(this.dir, 120, "restore", "-o", restored.toString(),
					replicaDir.toUri().toString());
			assertThat(result.exitCode()).as(result.output()).isZero();
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(app));
			assertThat(Sql.integrityCheck(restored)).isEqualTo("ok");
		}
	}

	@Test
	void weRestoreLitestreamReplica() throws Exception {
		Path path = this.dir.resolve("theirs.db");
		Path replicaDir = this.dir.resolve("replica");
		try (Connection app = Sql.connect(path)) {
			Sql.execute(app, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
			Process litestream = LitestreamBinary.start(this.dir, this.dir.resolve("litestream.log"), "replicate",
					path.toString(), replicaDir.toUri().toString());
			try {
				waitForGeneration(replicaDir);
				for (int i = 0; i < 50; i++) {
					Sql.execute(app, "INSERT INTO t (v) VALUES ('small " + i + "')");
				}
				// A transaction of more than 1000 pages makes Litestream checkpoint into
				// a new WAL index.
				app.setAutoCommit(false);
				for (int i = 0; i < 1500; i++) {
					Sql.execute(app, "INSERT INTO t (v) VALUES ('" + "big".repeat(1000) + i + "')");
				}
				app.commit();
				app.setAutoCommit(true);
				for (int i = 0; i < 20; i++) {
					Sql.execute(app, "INSERT INTO t (v) VALUES ('tail " + i + "')");
					Thread.sleep(50);
				}
				Thread.sleep(4000); // monitor and sync intervals are 1 s each
			}
			finally {
				litestream.destroy();
				litestream.waitFor(30, TimeUnit.SECONDS);
			}
			FileReplicaClient client = new FileReplicaClient(replicaDir);
			List<Generation> generations = client.generations();
			assertThat(generations).hasSize(1);
			assertThat(client.walSegments(generations.get(0))).extracting(WalSegmentInfo::index)
				.as("Litestream wrote more than one WAL index")
				.contains(1L);
			Path restored = this.dir.resolve("restored-by-us.db");
			RestoreResult result = new Restorer(new Lz4FrameCodec()).restore(client, RestoreOptions.latest(restored),
					RestoreProgress.NONE);
			assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(app));
			assertThat(result.position().generation()).isEqualTo(generations.get(0));
		}
	}

	private static void waitForGeneration(Path replicaDir) throws InterruptedException {
		for (int i = 0; i < 100 && !Files.isDirectory(replicaDir.resolve("generations")); i++) {
			Thread.sleep(100);
		}
	}

}
