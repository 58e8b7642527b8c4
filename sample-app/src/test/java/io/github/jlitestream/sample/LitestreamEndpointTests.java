package io.github.jlitestream.sample;

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
			assertThat(post.getStatusCode().value()).isIn(404, 405);
		}
	}

	@Test
	void statusListingSyncSnapshotAndRestoreWithAccess() throws Exception {
		Map<String, String> settings = SampleApp.fileReplica(this.dir.resolve("app.db"), this.dir.resolve("replica"));
		settings.put("management.endpoint.litestream.access", "unrestricted");
		Path copy = this.dir.resolve("copy.db");
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
					Map.of("action", "restore", "timestamp", between.toString(), "path", copy.toString()));
			assertThat(restore.getStatusCode().value()).as(restore.getBody()).isEqualTo(200);
			assertThat(Sql.dump(copy).get("notes")).hasSize(1).first().asString().contains("first");

			ResponseEntity<String> live = post(app, "/actuator/litestream/app",
					Map.of("action", "restore", "path", this.dir.resolve("app.db").toString()));
			assertThat(live.getStatusCode().is2xxSuccessful()).isFalse();
			assertThat(app.notes()).hasSize(2);
		}
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
