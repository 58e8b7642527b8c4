package io.github.jlitestream.sample;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpStatusCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health per database and replica over HTTP: {@code /actuator/health/litestream/app} and
 * {@code /actuator/health/litestream/app/backup} exist, and a health group can include
 * just that replica (issue 15.3).
 */
class HealthComponentsTests {

	@TempDir
	Path dir;

	@Test
	void eachDatabaseIsAHealthComponentThatAGroupCanInclude() {
		Map<String, String> settings = SampleApp.fileReplica(this.dir.resolve("app.db"), this.dir.resolve("replica"));
		settings.put("management.endpoint.health.group.backup.include", "litestream/app/backup");
		settings.put("management.endpoint.health.group.backup.show-details", "always");
		// the README's alert group: its own status order and HTTP mapping (here UP
		// mapped, to see it apply)
		settings.put("management.endpoint.health.group.replication.include", "litestream");
		settings.put("management.endpoint.health.group.replication.status.order",
				"down,out-of-service,lagging,up,unknown");
		settings.put("management.endpoint.health.group.replication.status.http-mapping.up", "299");
		try (SampleApp app = SampleApp.start(settings)) {
			app.create("first", "a note");
			String database = get(app, "/actuator/health/litestream/app");
			assertThat(database).contains("\"status\":\"UP\"").contains("\"components\":{\"backup\":");
			String replica = get(app, "/actuator/health/litestream/app/backup");
			assertThat(replica).contains("\"status\":\"UP\"").contains("\"lag\":").contains("\"location\":");
			String group = get(app, "/actuator/health/backup");
			assertThat(group).contains("\"litestream\"")
				.contains("\"app\"")
				.contains("\"backup\"")
				.contains("\"lag\":");
			int replication = app.client()
				.get()
				.uri("/actuator/health/replication")
				.retrieve()
				.onStatus(HttpStatusCode::isError, (request, response) -> {
				})
				.toBodilessEntity()
				.getStatusCode()
				.value();
			assertThat(replication).as("the group's own HTTP mapping").isEqualTo(299);
		}
	}

	private static String get(SampleApp app, String path) {
		return app.client().get().uri(path).retrieve().body(String.class);
	}

}
