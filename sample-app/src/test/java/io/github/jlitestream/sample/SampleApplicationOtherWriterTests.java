package io.github.jlitestream.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.jlitestream.core.codec.Lz4FrameCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SampleApplication} with another connection writing to its database
 * while it runs (a script, a migration tool, another process): the application keeps
 * serving, waits for that writer's locks, and the replica gets everything committed,
 * whoever committed it.
 */
class SampleApplicationOtherWriterTests {

	@TempDir
	Path dir;

	@Test
	void replicatesWhatAnotherConnectionCommits() throws Exception {
		Path database = this.dir.resolve("data/app.db");
		Path replica = this.dir.resolve("replica");
		List<Note> notes;
		try (SampleApp app = SampleApp.start(SampleApp.fileReplica(database, replica))) {
			app.create("from the app 0", "");
			try (Connection other = Sql.connect(database)) {
				for (int i = 1; i <= 10; i++) {
					insert(other, "from another connection " + i);
					app.create("from the app " + i, "");
				}
				assertThat(app.notes()).extracting(Note::title)
					.hasSize(21)
					.contains("from another connection 1", "from another connection 10", "from the app 10");

				// A long transaction of the other writer: the application's write waits
				// for it instead of failing.
				Sql.execute(other, "BEGIN IMMEDIATE");
				insert(other, "in a long transaction");
				CompletableFuture<Note> waiting = CompletableFuture
					.supplyAsync(() -> app.create("waited for the other writer", ""));
				Thread.sleep(500);
				assertThat(waiting).as("the application's insert waits for the write lock").isNotDone();
				Sql.execute(other, "COMMIT");
				assertThat(waiting.get(10, TimeUnit.SECONDS).title()).isEqualTo("waited for the other writer");

				// A table of the other writer's own.
				Sql.execute(other, "CREATE TABLE audit (id INTEGER PRIMARY KEY, event TEXT NOT NULL)",
						"INSERT INTO audit (event) VALUES ('batch import done')");
			}
			notes = app.notes();
			assertThat(notes).hasSize(23);
			app.create("written right before shutdown", "");
		}
		Path restored = Files.createDirectories(this.dir.resolve("elsewhere")).resolve("restored.db");
		new Restorer(new Lz4FrameCodec()).restore(new FileReplicaClient(replica), RestoreOptions.latest(restored),
				RestoreProgress.NONE);
		assertThat(Sql.dump(restored)).isEqualTo(Sql.dump(database));
		assertThat(Sql.dump(restored).get("notes")).hasSize(24)
			.anySatisfy((row) -> assertThat(row).contains("|in a long transaction|"))
			.anySatisfy((row) -> assertThat(row).contains("|from another connection 10|"))
			.anySatisfy((row) -> assertThat(row).contains("|written right before shutdown|"));
		assertThat(Sql.dump(restored).get("audit")).containsExactly("1|batch import done");
		assertThat(Sql.integrityCheck(restored)).isEqualTo("ok");
	}

	private static void insert(Connection connection, String title) throws Exception {
		String now = Instant.now().toString();
		Sql.execute(connection, "INSERT INTO notes (title, body, created_at, updated_at) VALUES ('" + title
				+ "', 'written with plain JDBC', '" + now + "', '" + now + "')");
	}

}
