package io.github.jlitestream.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.file.FileReplicaClient;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * Creates the replica client a replica URL names: {@code file:} here, {@code s3:} through
 * an {@link S3ReplicaClients} when litestream-s3 is on the classpath.
 */
final class ReplicaClients {

	private static final boolean S3_PRESENT = ClassUtils.isPresent("io.github.jlitestream.s3.S3ReplicaClient",
			ReplicaClients.class.getClassLoader());

	private final @Nullable S3ReplicaClients s3;

	ReplicaClients(@Nullable S3ReplicaClients s3) {
		this.s3 = s3;
	}

	static boolean s3Present() {
		return S3_PRESENT;
	}

	/** The scheme of a replica URL, checked; the property name is for the error. */
	static String scheme(String url, String property) {
		int colon = url.indexOf(':');
		String scheme = (colon > 0) ? url.substring(0, colon).toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("file") && !scheme.equals("s3")) {
			throw new LitestreamConfigurationException(property, url,
					scheme.isEmpty() ? "the URL has no scheme" : "unknown scheme '" + scheme + "'",
					"Use s3://bucket/prefix for S3 and S3-compatible stores, or file:///absolute/directory "
							+ "(file:relative/directory) for a local directory.");
		}
		if (scheme.equals("s3") && !S3_PRESENT) {
			throw new LitestreamConfigurationException(property, url, "S3 replicas need litestream-s3",
					"Add io.github.jlitestream:litestream-s3 (or use litestream-spring-boot-starter, which has it).");
		}
		return scheme;
	}

	ReplicaClient create(LitestreamProperties.Replica replica, String property) {
		String url = replica.getUrl();
		if (url == null || url.isBlank()) {
			throw new LitestreamConfigurationException(property + ".url", url, "a replica needs a URL",
					"Set " + property + ".url to s3://bucket/prefix or file:///directory.");
		}
		return switch (scheme(url, property + ".url")) {
			case "file" -> new FileReplicaClient(filePath(url, property + ".url"));
			default -> requireS3(url, property).create(replica, property);
		};
	}

	private S3ReplicaClients requireS3(String url, String property) {
		if (this.s3 == null) {
			throw new LitestreamConfigurationException(property + ".url", url, "S3 replicas need litestream-s3",
					"Add io.github.jlitestream:litestream-s3 (or use litestream-spring-boot-starter, which has it).");
		}
		return this.s3;
	}

	/**
	 * {@code file:///abs}, {@code file:/abs} and {@code file:relative/dir} (relative to
	 * the working directory).
	 */
	static Path filePath(String url, String property) {
		String rest = url.substring("file:".length());
		try {
			if (rest.startsWith("//")) {
				URI uri = new URI(url);
				if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
					throw new LitestreamConfigurationException(property, url, "a file URL cannot name a host",
							"Use file:///absolute/directory or file:relative/directory.");
				}
				return Path.of(uri);
			}
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			throw new LitestreamConfigurationException(property, url, "not a valid file URL: " + ex.getMessage(),
					"Use file:///absolute/directory or file:relative/directory.");
		}
		if (rest.isBlank()) {
			throw new LitestreamConfigurationException(property, url, "the URL names no directory",
					"Use file:///absolute/directory or file:relative/directory.");
		}
		return Path.of(rest).toAbsolutePath().normalize();
	}

}
