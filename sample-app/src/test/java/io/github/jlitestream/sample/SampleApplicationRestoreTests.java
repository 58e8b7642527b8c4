package io.github.jlitestream.sample;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.jlitestream.autoconfigure.LitestreamRestoreException;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Harness;
import io.github.jlitestream.core.support.Sql;
import io.github.jlitestream.core.testing.LitestreamBinary;
import io.github.jlitestream.s3.S3ReplicaClient;
import io.github.jlitestream.s3.testing.S3ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link SampleApplication}: a graceful shutdown loses nothing, and a start on
 * a missing database restores it, from S3, from a file replica, and from a replica
 * written by the real Litestream v0.3.13, before the first request is served.
 */
class SampleApplicationRestoreTests {

	@TempDir
	Path dir;

	@Test
	void restoresFromS3WhenTheDatabaseIsLost() throws Exception {
		Path database = this.dir.resolve("data/app.db");
		try (S3ProxyServer s3 = S3ProxyServer.startInMemory()) {
			s3.createBucket("backups");
			Map<String, String> settings = s3Profile(s3, database, s3.secretKey());
			List<Note> written;
			try (SampleApp app = SampleApp.start(settings)) {
				written = writeNotesThenStop(app);
			}
			try (S3ReplicaClient replica = s3.clientFactory().build().create("s3://backups/sample/app")) {
				assertThat(replica.generations()).as("generations in the bucket").isNotEmpty();
			}
			SampleApp.deleteDatabase(database);
			try (SampleApp app = SampleApp.start(settings)) {
				assertThat(app.notes()).isEqualTo(written);
				assertThat(app.create("after the restore", "").id())
					.isGreaterThan(written.get(written.size() - 1).id());
			}
		}
	}

	@Test
	void doesNotStartWhenTheS3BackupCannotBeRead() throws Exception {
		Path database = this.dir.resolve("data/app.db");
		try (S3ProxyServer s3 = S3ProxyServer.startInMemory()) {
			s3.createBucket("backups");
			Path elsewhere = this.dir.resolve("elsewhere.db");
			try (Harness harness = new Harness(elsewhere,
					s3.clientFactory().build().create("s3://backups/sample/app"))) {
				harness.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT)",
						"INSERT INTO notes (title) VALUES ('backed up')");
				harness.sync();
			}
			// S3Proxy checks signatures: the credentials the application signs with are
			// spring.cloud.aws.credentials.*
			assertThatException()
				.isThrownBy(() -> SampleApp.start(s3Profile(s3, database, "not-the-secret-key")).close())
				.satisfies(
						(ex) -> assertThat(causes(ex))
							.anySatisfy(
									(cause) -> assertThat(cause).isInstanceOf(LitestreamRestoreException.class)
										.hasMessageContaining("Database 'app' (" + database
												+ ") is missing and could not be restored")))
				.satisfies((ex) -> assertThat(causes(ex))
					.anySatisfy((cause) -> assertThat(cause.getMessage()).contains("Status Code: 403")));
			assertThat(database).doesNotExist();
		}
	}

	@Test
	void restoresFromAFileReplicaOnAFreshMachine() throws Exception {
		Path data = this.dir.resolve("data");
		Path database = data.resolve("app.db");
		Path replica = this.dir.resolve("replica");
		Map<String, String> settings = SampleApp.fileReplica(database, replica);
		List<Note> written;
		try (SampleApp app = SampleApp.start(settings)) {
			written = writeNotesThenStop(app);
		}
		// the whole data directory is gone, the engine's local state with it
		deleteRecursively(data);
		try (SampleApp app = SampleApp.start(settings)) {
			assertThat(app.notes()).isEqualTo(written);
			assertThat(app.note(written.get(0).id())).isEqualTo(written.get(0));
		}
	}

	@Test
	void startsFromAReplicaWrittenByLitestream() throws Exception {
		Path source = this.dir.resolve("litestream/app.db");
		Files.createDirectories(source.getParent());
		Path replica = this.dir.resolve("replica");
		List<Note> expected = new ArrayList<>();
		try (Connection connection = Sql.connect(source)) {
			Sql.execute(connection, new ClassPathResource("schema.sql").getContentAsString(StandardCharsets.UTF_8));
			for (int i = 1; i <= 5; i++) {
				expected.add(insert(connection, "before litestream " + i, "snapshot"));
			}
			Process litestream = LitestreamBinary.start(this.dir, this.dir.resolve("litestream.log"), "replicate",
					source.toString(), replica.toUri().toString());
			try {
				for (int i = 1; i <= 20; i++) {
					expected.add(insert(connection, "while litestream runs " + i, "wal " + "x".repeat(i * 100)));
				}
				Sql.execute(connection, "UPDATE notes SET body = 'changed' WHERE id = 3",
						"DELETE FROM notes WHERE id = 4");
				expected.set(2, new Note(3, expected.get(2).title(), "changed", expected.get(2).createdAt(),
						expected.get(2).updatedAt()));
				expected.remove(3);
				awaitReplicated(source, replica, Duration.ofSeconds(30));
			}
			finally {
				litestream.destroy();
				assertThat(litestream.waitFor(30, TimeUnit.SECONDS)).isTrue();
			}
		}
		Path database = this.dir.resolve("app/app.db");
		try (SampleApp app = SampleApp.start(SampleApp.fileReplica(database, replica))) {
			assertThat(app.notes()).isEqualTo(expected);
			expected.add(app.create("written by the sample app", "on Litestream's replica"));
		}
		// and Litestream restores what the application replicated on from there
		Path restored = this.dir.resolve("restored-by-litestream.db");
		LitestreamBinary.Result result = LitestreamBinary.run(this.dir, 60, "restore", "-o", restored.toString(),
				replica.toUri().toString());
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(Sql.dump(restored).get("notes")).hasSize(expected.size())
			.last()
			.asString()
			.contains("written by the sample app");
		assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(database));
	}

	/**
	 * Writes, changes and deletes notes; the last is written right before the shutdown.
	 * Returns what is left.
	 */
	private static List<Note> writeNotesThenStop(SampleApp app) {
		for (int i = 1; i <= 20; i++) {
			app.create("note " + i, "body " + i + " " + "text ".repeat(i * 20));
		}
		List<Note> notes = app.notes();
		app.update(notes.get(2).id(), "note 3, edited", "edited");
		app.delete(notes.get(4).id());
		List<Note> expected = new ArrayList<>(app.notes());
		expected.add(app.create("written right before shutdown", "last"));
		return expected;
	}

	private static Map<String, String> s3Profile(S3ProxyServer s3, Path database, String secretKey) {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("spring.profiles.active", "s3");
		settings.put("DB_PATH", database.toString());
		settings.put("REPLICA_URL", "s3://backups/sample/app");
		settings.put("S3_ENDPOINT", s3.endpoint().toString());
		settings.put("AWS_REGION", s3.region());
		settings.put("spring.cloud.aws.credentials.access-key", s3.accessKey());
		settings.put("spring.cloud.aws.credentials.secret-key", secretKey);
		return settings;
	}

	private static Note insert(Connection connection, String title, String body) throws Exception {
		String now = Instant.now().toString();
		try (PreparedStatement statement = connection.prepareStatement(
				"INSERT INTO notes (title, body, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id")) {
			statement.setString(1, title);
			statement.setString(2, body);
			statement.setString(3, now);
			statement.setString(4, now);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return new Note(rs.getLong(1), title, body, Instant.parse(now), Instant.parse(now));
			}
		}
	}

	/** Waits until a restore of the replica has every row of the source. */
	private void awaitReplicated(Path source, Path replica, Duration timeout) throws Exception {
		Map<String, List<String>> wanted = Sql.dump(source);
		long deadline = System.nanoTime() + timeout.toNanos();
		Restorer restorer = new Restorer(new Lz4FrameCodec());
		FileReplicaClient client = new FileReplicaClient(replica);
		for (int attempt = 1;; attempt++) {
			Path probe = this.dir.resolve("probe-" + attempt + ".db");
			Object seen;
			try {
				List<Generation> generations = client.generations();
				seen = generations.isEmpty() ? "no generation yet" : null;
				if (seen == null) {
					restorer.restore(client, RestoreOptions.latest(probe), RestoreProgress.NONE);
					seen = Sql.dump(probe);
				}
			}
			catch (Exception ex) {
				seen = ex;
			}
			if (wanted.equals(seen)) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Litestream did not replicate everything in " + timeout + ": " + seen);
			}
			Thread.sleep(200);
		}
	}

	private static List<Throwable> causes(Throwable ex) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = ex; cause != null && !causes.contains(cause); cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

	private static void deleteRecursively(Path directory) throws Exception {
		try (var files = Files.walk(directory)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

}
