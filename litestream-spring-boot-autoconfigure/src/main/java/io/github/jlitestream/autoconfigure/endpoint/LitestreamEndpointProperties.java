package io.github.jlitestream.autoconfigure.endpoint;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@code litestream} actuator endpoint, beside Spring Boot's own
 * {@code management.endpoint.litestream.access}.
 *
 * @since 0.2.0
 */
@ConfigurationProperties("management.endpoint.litestream")
public class LitestreamEndpointProperties {

	/**
	 * The directory the endpoint's restore action may create restored files in (links
	 * resolved; nothing outside it). Unset: the restore action is refused.
	 */
	private @Nullable Path restoreDirectory;

	public @Nullable Path getRestoreDirectory() {
		return this.restoreDirectory;
	}

	public void setRestoreDirectory(@Nullable Path restoreDirectory) {
		this.restoreDirectory = restoreDirectory;
	}

}
