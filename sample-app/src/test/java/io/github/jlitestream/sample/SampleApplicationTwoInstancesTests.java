package io.github.jlitestream.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.github.jlitestream.core.DatabaseStatus;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ReplicationRole;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.lease.LeaseRole;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.Await;
import io.github.jlitestream.core.testing.LitestreamBinary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the sample application on one database file and one replica, as a
 * zero-downtime deploy runs the old and the new container on one volume: both serve
 * requests, one replicates, and the other takes over when the first stops, in the same
 * generation. (Before the single-writer rule both shipped into one generation and the
 * replica's segments overlapped.)
 */
class SampleApplicationTwoInstancesTests {

	@TempDir
	Path dir;

	@Test
	void secondInstanceServesAndTakesReplicationOverWhenTheFirstStops() throws Exception {
		Path database = this.dir.resolve("data/app.db");
		Path replica = this.dir.resolve("replica");
		Map<String, String> settings = SampleApp.fileReplica(database, replica);
		try (SampleApp second = startSecond(settings, database)) {
			for (int i = 0; i < 20; i++) {
				second.create("from the new instance " + i, "");
			}
			Await.until(Duration.ofSeconds(20), () -> status(second).role() == ReplicationRole.PRIMARY
					&& status(second).replicas().get(0).lease().role() == LeaseRole.PRIMARY);
			second.create("after the handover", "");
		}
		FileReplicaClient client = new FileReplicaClient(replica);
		assertThat(client.generations()).as("one replica history: the overlap started no generation").hasSize(1);
		Path restored = Files.createDirectories(this.dir.resolve("elsewhere")).resolve("restored.db");
		new Restorer(new Lz4FrameCodec()).restore(client, RestoreOptions.latest(restored), RestoreProgress.NONE);
		assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(database));
		assertThat(Sql.dump(restored).get("notes")).hasSize(51);
		Path byLitestream = this.dir.resolve("elsewhere/restored-by-litestream.db");
		LitestreamBinary.Result result = LitestreamBinary.run(this.dir, 120, "restore", "-o", byLitestream.toString(),
				replica.toUri().toString());
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(Sql.dump(byLitestream)).isEqualTo(Sql.dump(database));
	}

	/**
	 * Starts the old instance, writes through it, starts the new one while the old one
	 * runs (a standby: it serves, only replication waits), writes through both, then
	 * stops the old one.
	 */
	private SampleApp startSecond(Map<String, String> settings, Path database) throws Exception {
		SampleApp second;
		try (SampleApp first = SampleApp.start(settings)) {
			for (int i = 0; i < 10; i++) {
				first.create("from the old instance " + i, "");
			}
			second = SampleApp.start(settings);
			assertThat(status(first).role()).isEqualTo(ReplicationRole.PRIMARY);
			assertThat(status(second).role()).isEqualTo(ReplicationRole.STANDBY);
			assertThat(status(second).localHolder().pid()).isEqualTo(ProcessHandle.current().pid());
			for (int i = 0; i < 10; i++) {
				first.create("old " + i, "");
				second.create("new " + i, "");
			}
			assertThat(second.notes()).hasSize(30);
		}
		return second;
	}

	private static DatabaseStatus status(SampleApp app) {
		return app.context().getBean(ReplicationManager.class).status().get(0);
	}

}
