package io.github.jlitestream.autoconfigure;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata IDEs complete {@code litestream.*} from. Spring Boot's
 * processor, as for its own maps of objects, lists {@code litestream.databases} and
 * {@code litestream.replicas} as maps with their value types, and IDEs complete the keys
 * below a name ({@code litestream.databases.app.replicas.backup.url}) from those types'
 * setters; the hints add the values of {@code unhealthy-status} and the form of names.
 */
class ConfigurationMetadataTests {

	@Test
	void mapsNameValueTypesWhoseSettersIdesComplete() throws Exception {
		Map<String, Object> metadata = metadata();
		Map<String, String> types = types(metadata);
		assertThat(types)
			.containsEntry("litestream.databases",
					"java.util.Map<java.lang.String," + LitestreamProperties.Database.class.getName() + ">")
			.containsEntry("litestream.replicas",
					"java.util.Map<java.lang.String," + LitestreamProperties.Replica.class.getName() + ">");
		assertThat(setters(LitestreamProperties.Database.class)).contains("setPath", "setReplicas",
				"setMonitorInterval");
		assertThat(setters(LitestreamProperties.Replica.class)).contains("setUrl", "setEndpoint", "setSyncInterval");
		// a nested group, completed through its getter
		assertThat(LitestreamProperties.Replica.class.getMethod("getEncryption").getReturnType())
			.isEqualTo(LitestreamProperties.Encryption.class);
	}

	@Test
	void hintsGiveTheUnhealthyStatusesAndTheFormOfNames() throws Exception {
		@SuppressWarnings("unchecked")
		List<Map<String, Object>> hints = (List<Map<String, Object>>) metadata().get("hints");
		assertThat(hints).extracting((hint) -> hint.get("name"))
			.contains("litestream.health.unhealthy-status", "litestream.databases.keys", "litestream.replicas.keys");
		Map<String, Object> status = hints.stream()
			.filter((hint) -> hint.get("name").equals("litestream.health.unhealthy-status"))
			.findFirst()
			.orElseThrow();
		assertThat(status.get("values").toString()).contains("LAGGING").contains("DOWN");
	}

	private static List<String> setters(Class<?> type) {
		return Arrays.stream(type.getMethods()).map(Method::getName).filter((name) -> name.startsWith("set")).toList();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, String> types(Map<String, Object> metadata) {
		Map<String, String> types = new TreeMap<>();
		for (Object property : (List<Object>) metadata.get("properties")) {
			Map<String, Object> entry = (Map<String, Object>) property;
			types.put((String) entry.get("name"), (String) entry.get("type"));
		}
		return types;
	}

	private static Map<String, Object> metadata() throws Exception {
		for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			if (url.toString().contains("litestream-spring-boot-autoconfigure")) {
				try (InputStream in = url.openStream()) {
					return JsonParserFactory.getJsonParser()
						.parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
				}
			}
		}
		throw new AssertionError("no configuration metadata of this module on the class path");
	}

}
