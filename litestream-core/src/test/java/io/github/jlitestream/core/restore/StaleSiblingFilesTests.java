package io.github.jlitestream.core.restore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WAL or shared-memory file left beside the output by an earlier database would be
 * replayed onto the restored one by the next connection: the restore moves both aside,
 * keeping them, before the restored file takes its place.
 */
class StaleSiblingFilesTests {

	@TempDir
	Path dir;

	@Test
	void staleWalAndShmAreMovedAsideAndKept() throws Exception {
		Path output = this.dir.resolve("restored.db");
		try (Harness harness = new Harness(this.dir.resolve("app.db"), new FileReplicaClient(this.dir.resolve("r")))) {
			harness.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t (v) VALUES ('kept')");
			harness.sync();
			Files.writeString(this.dir.resolve("restored.db-wal"), "an old database's WAL");
			Files.writeString(this.dir.resolve("restored.db-shm"), "an old database's shared memory");

			harness.restore(RestoreOptions.latest(output));
		}
		assertThat(this.dir.resolve("restored.db-wal")).doesNotExist();
		assertThat(this.dir.resolve("restored.db-shm")).doesNotExist();
		assertThat(aside("restored.db-wal.stale-")).hasContent("an old database's WAL");
		assertThat(aside("restored.db-shm.stale-")).hasContent("an old database's shared memory");
		assertThat(Sql.count(output, "t")).isEqualTo(1);
	}

	private Path aside(String prefix) throws Exception {
		try (Stream<Path> files = Files.list(this.dir)) {
			return files.filter((file) -> file.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
		}
	}

}
