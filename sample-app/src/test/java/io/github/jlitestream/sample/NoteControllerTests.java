package io.github.jlitestream.sample;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.HttpClientErrorException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link NoteController}: the notes API of the running application, on its
 * SQLite database.
 */
class NoteControllerTests {

	@TempDir
	static Path dir;

	private static SampleApp app;

	@BeforeAll
	static void start() {
		app = SampleApp.start(SampleApp.fileReplica(dir.resolve("data/app.db"), dir.resolve("replica")));
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void createsListsGetsUpdatesAndDeletesNotes() {
		Note first = app.create("Groceries", "milk, eggs");
		Note second = app.create("  Trip  ", null);
		assertThat(first.title()).isEqualTo("Groceries");
		assertThat(first.body()).isEqualTo("milk, eggs");
		assertThat(first.createdAt()).isEqualTo(first.updatedAt());
		assertThat(second.title()).isEqualTo("Trip");
		assertThat(second.body()).isEmpty();
		assertThat(second.id()).isGreaterThan(first.id());

		assertThat(app.notes()).containsSubsequence(first, second);
		assertThat(app.note(first.id())).isEqualTo(first);

		Note updated = app.update(first.id(), "Groceries", "milk, eggs, bread");
		assertThat(updated.body()).isEqualTo("milk, eggs, bread");
		assertThat(updated.createdAt()).isEqualTo(first.createdAt());
		assertThat(updated.updatedAt()).isAfterOrEqualTo(first.updatedAt());
		assertThat(app.note(first.id())).isEqualTo(updated);

		app.delete(second.id());
		assertThat(app.notes()).contains(updated).doesNotContain(second);
		assertThatExceptionOfType(HttpClientErrorException.NotFound.class).isThrownBy(() -> app.note(second.id()));
	}

	@Test
	void answersLocationAndProblems() {
		ResponseEntity<Note> created = app.client()
			.post()
			.uri("/notes")
			.contentType(MediaType.APPLICATION_JSON)
			.body(new NoteRequest("Located", ""))
			.retrieve()
			.toEntity(Note.class);
		assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(created.getHeaders().getLocation()).hasPath("/notes/" + created.getBody().id());

		assertThatExceptionOfType(HttpClientErrorException.BadRequest.class)
			.isThrownBy(() -> app.create(" ", "no title"))
			.satisfies((ex) -> assertThat(ex.getResponseBodyAsString()).contains("A note needs a non-blank title"));
		assertThatExceptionOfType(HttpClientErrorException.NotFound.class)
			.isThrownBy(() -> app.update(Long.MAX_VALUE, "x", "y"))
			.satisfies((ex) -> assertThat(ex.getResponseBodyAsString()).contains("No note " + Long.MAX_VALUE));
		assertThatExceptionOfType(HttpClientErrorException.NotFound.class).isThrownBy(() -> app.delete(Long.MAX_VALUE));
	}

	@Test
	void usesWalAndWaitsForLocks() throws Exception {
		try (Connection connection = app.context().getBean(DataSource.class).getConnection();
				Statement statement = connection.createStatement()) {
			assertThat(pragma(statement, "journal_mode")).isEqualTo("wal");
			assertThat(pragma(statement, "busy_timeout")).isEqualTo("10000");
			assertThat(pragma(statement, "synchronous")).isEqualTo("1"); // NORMAL
			assertThat(pragma(statement, "foreign_keys")).isEqualTo("1");
		}
	}

	@Test
	void exposesHealthPrometheusAndTheLitestreamEndpoint() {
		app.create("Replicated", "");
		String health = app.client().get().uri("/actuator/health").retrieve().body(String.class);
		assertThat(health).contains("\"status\":\"UP\"").contains("\"litestream\":{").contains("\"app\":{");
		String prometheus = app.client().get().uri("/actuator/prometheus").retrieve().body(String.class);
		assertThat(prometheus).contains("hikaricp_connections").contains("litestream_replica_lag_seconds{db=\"app\"");
		String litestream = app.client().get().uri("/actuator/litestream").retrieve().body(String.class);
		assertThat(litestream).contains("\"running\":true").contains("\"app\":{");
	}

	private static String pragma(Statement statement, String name) throws Exception {
		try (ResultSet rs = statement.executeQuery("PRAGMA " + name)) {
			rs.next();
			return rs.getString(1);
		}
	}

}
