package io.github.jlitestream.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import io.github.jlitestream.core.support.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/litestream} over HTTP: read access by default, write actions only when
 * granted.
 */
class LitestreamEndpointTests {

	@TempDir
	Path dir;

	@Test
	void writeActionsAreRefusedWithoutAccess() {
		try (SampleApp app = SampleApp
			.start(SampleApp.fileReplica(this.dir.resolve("app.db"), this.dir.resolve("replica")))) {
			Map<String, Object> status = get(app, "/actuator/litestream");
			assertThat(status).containsKey("databases");
			ResponseEntity<String> post = post(app, "/actuator/litestream/app", Map.of("action", "sync"));
			assertThat(post.getStatusCode().is2xxSuccessful()).as("POST without access: %s", post).isFalse();
			assertThat(post.getStatusCode().value()).isEqualTo(405);
			assertThat(post.getBody()).contains("set management.endpoint.litestream.access=unrestricted");
		}
	}

	@Test
	void statusListingSyncSnapshotAndRestoreWithAccess() throws Exception {
		Map<String, String> settings = SampleApp.fileReplica(this.dir.resolve("app.db"), this.dir.resolve("replica"));
		settings.put("management.endpoint.litestream.access", "unrestricted");
		Path restores = Files.createDirectory(this.dir.resolve("restores"));
		settings.put("management.endpoint.litestream.restore-directory", restores.toString());
		Path copy = restores.resolve("copy.db");
		try (SampleApp app = SampleApp.start(settings)) {
			app.create("first", "before the restore point");
			assertThat(post(app, "/actuator/litestream/app", Map.of("action", "sync")).getStatusCode().value())
				.isEqualTo(200);
			Thread.sleep(50);
			Instant between = Instant.now();
			Thread.sleep(50);
			app.create("second", "after the restore point");
			ResponseEntity<String> snapshot = post(app, "/actuator/litestream/app", Map.of("action", "snapshot"));
			assertThat(snapshot.getStatusCode().value()).isEqualTo(200);
			assertThat(snapshot.getBody()).contains("\"action\":\"snapshot\"");

			Map<String, Object> listing = get(app, "/actuator/litestream/app");
			assertThat(listing.toString()).contains("snapshots").contains("generation");
			assertThat(app.client()
				.get()
				.uri("/actuator/litestream/nope")
				.retrieve()
				.onStatus(HttpStatusCode::isError, (request, response) -> {
				})
				.toBodilessEntity()
				.getStatusCode()
				.value()).isEqualTo(404);

			ResponseEntity<String> restore = post(app, "/actuator/litestream/app",
					Map.of("action", "restore", "timestamp", between.toString(), "path", "copy.db"));
			assertThat(restore.getStatusCode().value()).as(restore.getBody()).isEqualTo(200);
			assertThat(Sql.dump(copy).get("notes")).hasSize(1).first().asString().contains("first");

			ResponseEntity<String> live = post(app, "/actuator/litestream/app",
					Map.of("action", "restore", "path", this.dir.resolve("app.db").toString()));
			assertThat(live.getStatusCode().value()).isEqualTo(400);
			assertThat(app.notes()).hasSize(2);
		}
	}

	@Test
	void restoreIsRefusedWithoutARestoreDirectory() {
		Map<String, String> settings = SampleApp.fileReplica(this.dir.resolve("app.db"), this.dir.resolve("replica"));
		settings.put("management.endpoint.litestream.access", "unrestricted");
		try (SampleApp app = SampleApp.start(settings)) {
			app.create("first", "a note");
			ResponseEntity<String> restore = post(app, "/actuator/litestream/app",
					Map.of("action", "restore", "path", this.dir.resolve("copy.db").toString()));
			assertThat(restore.getStatusCode().value()).isEqualTo(400);
			assertThat(restore.getBody()).contains("restore is turned off: set "
					+ "management.endpoint.litestream.restore-directory to a directory the endpoint may create "
					+ "restored files in");
			assertThat(this.dir.resolve("copy.db")).doesNotExist();
		}
	}

	@Test
	void badInputIsAnsweredWith400AndAMessageAndNothingIsWrittenOutsideTheDirectory() throws Exception {
		Map<String, String> settings = SampleApp.fileReplica(this.dir.resolve("app.db"), this.dir.resolve("replica"));
		settings.put("management.endpoint.litestream.access", "unrestricted");
		Path restores = Files.createDirectory(this.dir.resolve("restores"));
		Path outside = Files.createDirectory(this.dir.resolve("outside"));
		Files.createSymbolicLink(restores.resolve("link"), outside);
		Files.writeString(restores.resolve("taken.db"), "not a database");
		settings.put("management.endpoint.litestream.restore-directory", restores.toString());
		try (SampleApp app = SampleApp.start(settings)) {
			app.create("first", "a note");
			assertThat(post(app, "/actuator/litestream/app", Map.of("action", "sync")).getStatusCode().value())
				.isEqualTo(200);
			assertBadRequest(app, Map.of("action", "restore", "path", "../escaped.db"),
					"is outside the restore directory");
			assertBadRequest(app, Map.of("action", "restore", "path", outside.resolve("absolute.db").toString()),
					"is outside the restore directory");
			assertBadRequest(app, Map.of("action", "restore", "path", "link/through-a-link.db"),
					"is outside the restore directory");
			assertBadRequest(app, Map.of("action", "restore", "path", "taken.db"), "exists: restore writes a new file");
			assertBadRequest(app, Map.of("action", "restore", "path", "missing/dir.db"),
					"is not a new file in an existing directory");
			assertBadRequest(app, Map.of("action", "restore", "path", "copy.db", "timestamp", "yesterday"),
					"timestamp 'yesterday' is not an ISO-8601 instant");
			assertBadRequest(app, Map.of("action", "restore", "path", "copy.db", "timestamp", "2001-01-01T00:00:00Z"),
					"No backup to restore");
			assertBadRequest(app, Map.of("action", "restore", "path", "copy.db", "generation", "xyz"),
					"generation 'xyz' is not a generation id");
			assertBadRequest(app, Map.of("action", "rewind"),
					"Unknown action 'rewind': use sync, snapshot, restore, rollback or cancel-rollback");
			ResponseEntity<String> unknown = post(app, "/actuator/litestream/nope", Map.of("action", "sync"));
			assertThat(unknown.getStatusCode().value()).isEqualTo(404);
			assertThat(unknown.getBody()).contains("No database 'nope': the replicated databases are [app]");
			try (var files = Files.list(outside)) {
				assertThat(files).isEmpty();
			}
			assertThat(restores.resolve("copy.db")).doesNotExist();
			assertThat(this.dir.resolve("escaped.db")).doesNotExist();
		}
	}

	private static void assertBadRequest(SampleApp app, Map<String, String> body, String message) {
		ResponseEntity<String> response = post(app, "/actuator/litestream/app", body);
		assertThat(response.getStatusCode().value()).as("%s: %s", body, response.getBody()).isEqualTo(400);
		assertThat(response.getBody()).as("%s", body).contains(message);
	}

	private static Map<String, Object> get(SampleApp app, String path) {
		return app.client().get().uri(path).retrieve().body(new ParameterizedTypeReference<Map<String, Object>>() {
		});
	}

	private static ResponseEntity<String> post(SampleApp app, String path, Map<String, String> body) {
		return app.client()
			.post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.onStatus(HttpStatusCode::isError, (request, response) -> {
			})
			.toEntity(String.class);
	}

}
