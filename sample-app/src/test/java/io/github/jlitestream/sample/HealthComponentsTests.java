package io.github.jlitestream.sample;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health per database over HTTP: {@code /actuator/health/litestream/app} exists, and a
 * health group can include just that database (issue 15.3).
 */
class HealthComponentsTests {

	@TempDir
	Path dir;

	@Test
	void eachDatabaseIsAHealthComponentThatAGroupCanInclude() {
		Map<String, String> settings = SampleApp.fileReplica(this.dir.resolve("app.db"), this.dir.resolve("replica"));
		settings.put("management.endpoint.health.group.backup.include", "litestream/app");
		settings.put("management.endpoint.health.group.backup.show-details", "always");
		try (SampleApp app = SampleApp.start(settings)) {
			app.create("first", "a note");
			String database = get(app, "/actuator/health/litestream/app");
			assertThat(database).contains("\"status\":\"UP\"}").contains("\"replicas\":{\"backup\":");
			String group = get(app, "/actuator/health/backup");
			assertThat(group).contains("\"litestream\"").contains("\"app\"").contains("\"replicas\"");
		}
	}

	private static String get(SampleApp app, String path) {
		return app.client().get().uri(path).retrieve().body(String.class);
	}

}
