package io.github.jlitestream.autoconfigure;

import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration condition metadata that
 * {@code spring-boot-autoconfigure-processor} generates, so Spring Boot filters the
 * starter's auto-configurations without loading their classes: one entry set per
 * auto-configuration listed in the imports file.
 */
class AutoConfigurationMetadataTests {

	@Test
	void everyAutoConfigurationHasItsConditionsInTheMetadata() throws Exception {
		Properties metadata = new Properties();
		// this module's, not Spring Boot's (both are on the class path)
		URL own = LitestreamAutoConfiguration.class.getResource("/META-INF/spring-autoconfigure-metadata.properties");
		for (URL url : Collections
			.list(getClass().getClassLoader().getResources("META-INF/spring-autoconfigure-metadata.properties"))) {
			if (url.toString().contains("litestream-spring-boot-autoconfigure")) {
				own = url;
			}
		}
		assertThat(own).as("this module's metadata").isNotNull();
		assertThat(own.toString()).contains("litestream-spring-boot-autoconfigure");
		try (InputStream in = own.openStream()) {
			metadata.load(in);
		}
		List<String> imports;
		try (InputStream in = new ClassPathResource(
				"META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")
			.getInputStream()) {
			imports = new String(in.readAllBytes()).lines().map(String::trim).filter((l) -> !l.isEmpty()).toList();
		}
		assertThat(imports).isNotEmpty();
		for (String autoConfiguration : imports) {
			assertThat(Collections.list(metadata.propertyNames())).as("metadata of %s", autoConfiguration)
				.anyMatch((key) -> key.toString().startsWith(autoConfiguration + "."));
		}
		assertThat(metadata.getProperty(LitestreamAutoConfiguration.class.getName() + ".ConditionalOnClass"))
			.isEqualTo("io.github.jlitestream.core.ReplicationManager");
	}

}
