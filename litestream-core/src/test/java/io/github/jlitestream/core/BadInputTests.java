package io.github.jlitestream.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;

import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.NoBackupException;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Bad input gets a clear error, and the source database is left alone.
 */
class BadInputTests {

	@TempDir
	Path dir;

	@Test
	void fileThatIsNotADatabase() throws Exception {
		Path path = this.dir.resolve("notes.txt");
		Files.writeString(path, "This is not a database, just a file with some text in it that is long enough.");
		byte[] before = Files.readAllBytes(path);
		assertThatExceptionOfType(LitestreamException.class).isThrownBy(() -> open(path))
			.withMessageContaining(path.toString())
			.withMessageContaining("is not a SQLite database");
		assertThat(Files.readAllBytes(path)).isEqualTo(before);
	}

	@Test
	void databaseInMissingDirectory() {
		Path path = this.dir.resolve("missing/app.db");
		assertThatExceptionOfType(LitestreamException.class).isThrownBy(() -> open(path))
			.withMessageContaining("directory " + path.getParent() + " does not exist");
		assertThat(path.getParent()).doesNotExist();
	}

	@Test
	void databaseThatCannotUseWal() throws Exception {
		Path path = this.dir.resolve("app.db");
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + path)) {
			Sql.execute(connection, "CREATE TABLE t (v TEXT)");
		}
		// SQLite cannot create its WAL file
		Files.createDirectory(this.dir.resolve("app.db-wal"));
		assertThatExceptionOfType(LitestreamException.class).isThrownBy(() -> open(path))
			.withMessageContaining(path.toString())
			.withMessageContaining("WAL");
	}

	@Test
	void unwritableReplica() throws Exception {
		Path blocker = this.dir.resolve("replica");
		Files.writeString(blocker, "a file where the replica directory should be");
		try (Harness harness = new Harness(this.dir.resolve("app.db"), new FileReplicaClient(blocker))) {
			harness.execute("CREATE TABLE t (v TEXT)");
			harness.database().sync();
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> harness.replica().sync());
			assertThat(harness.replica().lastError()).contains(blocker.toString());
			assertThat(harness.replica().position()).isNull();
		}
	}

	@Test
	void restoreFromEmptyReplica() {
		Path output = this.dir.resolve("restored.db");
		assertThatExceptionOfType(NoBackupException.class)
			.isThrownBy(
					() -> new Restorer(new Lz4FrameCodec()).restore(new FileReplicaClient(this.dir.resolve("empty")),
							RestoreOptions.latest(output), RestoreProgress.NONE))
			.withMessageContaining("No backup to restore in " + this.dir.resolve("empty").toUri());
		assertThat(output).doesNotExist();
	}

	@Test
	void restoreNeverOverwritesAnExistingDatabase() throws Exception {
		Path output = this.dir.resolve("existing.db");
		Files.writeString(output, "precious");
		try (Harness harness = new Harness(this.dir.resolve("app.db"),
				new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)");
			harness.sync();
			assertThatExceptionOfType(LitestreamException.class)
				.isThrownBy(() -> harness.restore(RestoreOptions.latest(output)))
				.withMessageContaining(output + ": the file exists");
			assertThat(output).hasContent("precious");
			harness.restore(RestoreOptions.builder(output).overwrite(true).build());
			assertThat(Sql.count(output, "t")).isZero();
		}
	}

	@Test
	void restoreIntoMissingDirectory() throws Exception {
		Path output = this.dir.resolve("nowhere/restored.db");
		try (Harness harness = new Harness(this.dir.resolve("app.db"),
				new FileReplicaClient(this.dir.resolve("replica")))) {
			harness.execute("CREATE TABLE t (v TEXT)");
			harness.sync();
			assertThatExceptionOfType(LitestreamException.class)
				.isThrownBy(() -> harness.restore(RestoreOptions.latest(output)))
				.withMessageContaining("directory " + output.getParent() + " does not exist");
		}
	}

	@Test
	void replicaWrittenByAnotherCopyOfTheDatabase() throws Exception {
		// A cloned machine carries the same database and engine state and replicates to
		// the same place.
		Path original = this.dir.resolve("a/app.db");
		Path clone = this.dir.resolve("b/app.db");
		Files.createDirectories(original.getParent());
		Path replica = this.dir.resolve("replica");
		try (Harness harness = new Harness(original, new FileReplicaClient(replica))) {
			harness.execute("CREATE TABLE t (v TEXT)", "INSERT INTO t VALUES ('shared')");
			harness.sync();
			harness.closeEngine();
			copyTree(original.getParent(), clone.getParent());
			harness.openEngine();
			harness.execute("INSERT INTO t VALUES ('only on a')");
			harness.sync();
		}
		try (Harness cloned = new Harness(clone, new FileReplicaClient(replica))) {
			cloned.execute("INSERT INTO t VALUES ('only on b')");
			cloned.database().sync();
			assertThatExceptionOfType(LitestreamException.class).isThrownBy(() -> cloned.replica().sync())
				.withMessageContaining("that this database did not write")
				.withMessageContaining("another process may be replicating to the same place");
		}
	}

	private void open(Path path) {
		try (Database database = new Database("bad", DatabaseOptions.of(path), ReplicationListener.NONE,
				Clock.systemUTC())) {
			database.open();
		}
	}

	private static void copyTree(Path from, Path to) throws Exception {
		try (var paths = Files.walk(from)) {
			for (Path source : paths.toList()) {
				Path target = to.resolve(from.relativize(source).toString());
				if (Files.isDirectory(source)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(source, target);
				}
			}
		}
	}

}
