package io.github.jlitestream.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.support.FaultyReplicaClient;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.LitestreamBinary;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A crash at any moment of a new generation's start (here: the store stops taking uploads
 * after the first {@code n} of the new generation, which is what a process killed in the
 * middle of an upload leaves behind) leaves a replica from which the newest state that
 * reached the store restores, by this project and by Litestream v0.3.13.
 */
class GenerationStartTests {

	@TempDir
	Path dir;

	/**
	 * Audit finding 6: the first segment went before the snapshot, and a kill between
	 * left nothing restorable.
	 */
	@ParameterizedTest(name = "uploads of the new generation before the crash: {0}")
	@ValueSource(ints = { 0, 1, 2 })
	void aCrashWhileANewGenerationStartsLeavesTheNewestUploadedStateRestorable(int uploads) throws Exception {
		Path path = this.dir.resolve("app.db");
		Path store = this.dir.resolve("replica");
		FaultyReplicaClient client = new FaultyReplicaClient(new FileReplicaClient(store));
		try (Harness harness = new Harness(path, client)) {
			harness.execute("CREATE TABLE t (v TEXT)");
			for (int i = 0; i < 20; i++) {
				harness.execute("INSERT INTO t VALUES ('first generation " + i + "')");
			}
			harness.sync();
			Generation first = harness.database().position().generation();
			Map<String, List<String>> firstState = Sql.dump(harness.app());
			harness.closeEngine();
			// Changed while the engine was stopped, in a way that breaks continuity: the
			// next start begins a new generation.
			harness.execute("INSERT INTO t VALUES ('while stopped')", "PRAGMA wal_checkpoint(TRUNCATE)");
			client.failWritesAfter(uploads);
			harness.openEngine();
			if (uploads < 2) {
				assertThatExceptionOfType(IOException.class).isThrownBy(harness::sync);
			}
			else {
				harness.sync(); // the snapshot and the first segment: all the start needs
			}
			assertThat(harness.database().position().generation()).isNotEqualTo(first);
			Map<String, List<String>> startState = Sql.dump(harness.app());
			Map<String, List<String>> expected = (uploads == 0) ? firstState : startState;

			Path ours = this.dir.resolve("restored-by-us.db");
			harness.restore(RestoreOptions.latest(ours));
			assertThat(Sql.dump(ours)).as("restored by this project").isEqualTo(expected);
			Path theirs = this.dir.resolve("restored-by-litestream.db");
			LitestreamBinary.Result result = LitestreamBinary.run(this.dir, 120, "restore", "-o", theirs.toString(),
					store.toUri().toString());
			assertThat(result.exitCode()).as(result.output()).isZero();
			assertThat(Sql.dump(theirs)).as("restored by Litestream v0.3.13").isEqualTo(expected);
			assertThat(Sql.integrityCheck(theirs)).isEqualTo("ok");

			// The store is back: the new generation completes and holds everything.
			client.heal();
			harness.execute("INSERT INTO t VALUES ('after the crash')");
			harness.sync();
			Path latest = this.dir.resolve("latest.db");
			harness.restore(RestoreOptions.latest(latest));
			assertThat(Sql.dump(latest)).isEqualTo(Sql.dump(harness.app()));
		}
	}

}
