package io.github.jlitestream.core;

import java.io.IOException;
import java.nio.file.Path;

import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.support.FaultyReplicaClient;
import io.github.jlitestream.core.support.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A replica is not "caught up" before its generation's first snapshot is in the store:
 * until then nothing in it can be restored.
 */
class FirstSnapshotStatusTests {

	@TempDir
	Path dir;

	@Test
	void replicaWithoutSnapshotHasNoPositionAndAGrowingLag() throws Exception {
		FaultyReplicaClient client = new FaultyReplicaClient(new FileReplicaClient(this.dir.resolve("replica")));
		client.refuseSnapshots = true;
		try (Harness harness = new Harness(this.dir.resolve("app.db"), client)) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('x')");
			harness.database().sync();
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> harness.replica().sync())
				.withMessageContaining("snapshot refused");
			Thread.sleep(30);
			assertThat(harness.replica().position()).isNull();
			assertThat(harness.replica().lag()).isPositive();
			assertThat(harness.replica().lastError()).contains("snapshot refused");

			client.refuseSnapshots = false;
			harness.replica().sync();
			assertThat(harness.replica().position()).isEqualTo(harness.database().position());
			assertThat(harness.replica().lag()).isZero();
			assertThat(harness.replica().lastError()).isNull();
		}
	}

}
