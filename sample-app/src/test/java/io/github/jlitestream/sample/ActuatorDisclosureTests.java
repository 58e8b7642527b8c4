package io.github.jlitestream.sample;

import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the actuator discloses of replication: {@code /actuator/info} names databases,
 * replica kinds, compression and whether encryption is on; a replica's encryption key is
 * masked in {@code /actuator/env} and {@code /actuator/configprops} even with
 * {@code show-values=always}, which shows every other value.
 */
class ActuatorDisclosureTests {

	private static final String KEY = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

	private static final String OLD_KEY = Base64.getEncoder()
		.encodeToString("fedcba9876543210fedcba9876543210".getBytes());

	@TempDir
	Path dir;

	@Test
	void infoDescribesReplicationAndNoEndpointShowsAKey() {
		Map<String, String> settings = SampleApp.fileReplica(this.dir.resolve("app.db"), this.dir.resolve("replica"));
		settings.put("litestream.databases.app.replicas.backup.encryption.key", KEY);
		settings.put("litestream.databases.app.replicas.backup.encryption.keys[0]", OLD_KEY);
		settings.put("litestream.databases.app.replicas.backup.compression", "zstd");
		settings.put("management.endpoints.web.exposure.include", "info,env,configprops,litestream,health");
		settings.put("management.endpoint.env.show-values", "always");
		settings.put("management.endpoint.configprops.show-values", "always");
		try (SampleApp app = SampleApp.start(settings)) {
			String info = get(app, "/actuator/info");
			assertThat(info)
				.contains("\"litestream\":{\"databases\":{\"app\":{\"path\":\"" + this.dir.resolve("app.db")
						+ "\",\"replicas\":{\"backup\":{\"type\":\"file\"")
				.contains("\"compression\":\"zstd\",\"encrypted\":true");
			String env = get(app, "/actuator/env");
			String configprops = get(app, "/actuator/configprops");
			for (String body : new String[] { info, env, configprops }) {
				assertThat(body).doesNotContain(KEY).doesNotContain(OLD_KEY);
			}
			// show-values works: other values are shown, the keys masked
			assertThat(env).contains("\"REPLICA_URL\":{\"value\":\"file:")
				.contains("litestream.databases.app.replicas.backup.encryption.key\":{\"value\":\"******\"");
			assertThat(configprops).contains("\"compression\":\"zstd\"").contains("\"key\":\"******\"");
		}
	}

	private static String get(SampleApp app, String path) {
		return app.client().get().uri(path).retrieve().body(String.class);
	}

}
