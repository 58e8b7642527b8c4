package io.github.jlitestream.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.codec.Encryption;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.file.FileReplicaClient;
import io.github.jlitestream.s3.S3ReplicaClientFactory;
import io.github.jlitestream.s3.S3ReplicaUrl;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;

/**
 * How a command names its replicas, as Litestream's commands do: a replica URL
 * ({@code s3://bucket/path}, {@code file:///dir}), or a database of a configuration file
 * ({@code -config}: Litestream's YAML, or the application's
 * {@code application.properties} or {@code .yml} with {@code litestream.*} keys), by path
 * or name. Encryption keys come from files or environment variables, never from a flag's
 * value, which every user of the machine could read in the process list.
 */
class ReplicaArguments {

	@Parameters(index = "0", arity = "0..1", paramLabel = "DB_PATH|REPLICA_URL",
			description = "A replica URL (s3://bucket/path, file:///directory), or with -config the database's "
					+ "path or name (the only one when left out).")
	@Nullable String target;

	@Option(names = { "-config", "--config" }, paramLabel = "PATH",
			description = "Litestream's YAML configuration, or the application's application.properties or "
					+ "application.yml (litestream.* keys; environment variables apply as in the application).")
	@Nullable Path config;

	@Option(names = { "-replica", "--replica" }, paramLabel = "NAME",
			description = "Only the replica of this name (of a configured database).")
	@Nullable String replica;

	@Option(names = { "-endpoint", "--endpoint" }, paramLabel = "URL",
			description = "An S3-compatible store's endpoint, such as http://127.0.0.1:9000 (else "
					+ "$LITESTREAM_ENDPOINT, else AWS).")
	@Nullable String endpoint;

	@Option(names = { "-region", "--region" }, paramLabel = "REGION",
			description = "The bucket's region (else the AWS SDK's chain: AWS_REGION, ~/.aws; us-east-1 with an "
					+ "endpoint).")
	@Nullable String region;

	@Option(names = { "-force-path-style", "--force-path-style" }, paramLabel = "BOOL", arity = "0..1",
			fallbackValue = "true", description = "Path-style S3 URLs (default: true with an endpoint).")
	@Nullable Boolean forcePathStyle;

	@Option(names = { "-key-file", "--key-file" }, paramLabel = "FILE",
			description = "A file holding an encryption key (base64 of 32 bytes); repeat it for keys of before a "
					+ "rotation.")
	List<Path> keyFiles = new ArrayList<>();

	@Option(names = { "-key-env", "--key-env" }, paramLabel = "VARIABLE",
			description = "An environment variable holding an encryption key; repeatable.")
	List<String> keyVariables = new ArrayList<>();

	/** The replicas named, with their clients open; the caller closes them. */
	List<SelectedReplica> resolve() {
		if (this.config != null) {
			List<SelectedReplica> configured = configured(this.config);
			if (this.replica != null) {
				List<SelectedReplica> named = configured.stream().filter((r) -> r.name().equals(this.replica)).toList();
				if (named.isEmpty()) {
					List<String> names = configured.stream().map(SelectedReplica::name).toList();
					SelectedReplica.closeAll(configured);
					throw CliException.usage("no replica '" + this.replica + "' for that database in " + this.config
							+ " (it has " + String.join(", ", names) + ")");
				}
				SelectedReplica.closeAll(configured.stream().filter((r) -> !named.contains(r)).toList());
				return named;
			}
			return configured;
		}
		if (this.target == null) {
			throw CliException.usage("give a replica URL (s3://bucket/path, file:///directory), or -config with a "
					+ "database path or name");
		}
		if (!isUrl(this.target)) {
			throw CliException.usage("'" + this.target + "' is not a replica URL; a database path needs -config "
					+ "(Litestream's YAML or the application's properties)");
		}
		return List.of(fromUrl(this.target, scheme(this.target), this.endpoint, this.region, this.forcePathStyle, null,
				null, codec(List.of())));
	}

	/** Whether a database path or name was given rather than a URL. */
	boolean namesDatabase() {
		return this.config != null;
	}

	private List<SelectedReplica> configured(Path file) {
		if (!Files.isRegularFile(file)) {
			throw CliException.usage("-config " + file + ": no such file");
		}
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		try {
			if (name.endsWith(".properties") || ApplicationSettings.isSpringYaml(file)) {
				return ApplicationSettings.replicas(file, this.target, keyOverride());
			}
			return LitestreamYaml.replicas(file, this.target, this);
		}
		catch (IOException ex) {
			throw new CliException(ExitCode.FAILURE, "-config " + file + ": " + ex.getMessage(), ex);
		}
	}

	/** The codec of the keys given by flags, or null when none is. */
	@Nullable ReplicaCodec keyOverride() {
		return (this.keyFiles.isEmpty() && this.keyVariables.isEmpty()) ? null : codec(List.of());
	}

	/**
	 * The codec for reading: compression is named by each object, so only the keys
	 * matter; keys from flags first, then {@code configured} (base64).
	 */
	ReplicaCodec codec(List<String> configured) {
		List<byte[]> keys = new ArrayList<>();
		for (Path file : this.keyFiles) {
			try {
				keys.add(Encryption.decodeKey(Files.readString(file).trim(), "-key-file " + file));
			}
			catch (IOException ex) {
				throw CliException.usage("-key-file " + file + ": cannot read it (" + ex.getMessage() + ")");
			}
			catch (IllegalArgumentException ex) {
				throw CliException.usage(ex.getMessage());
			}
		}
		for (String variable : this.keyVariables) {
			String value = System.getenv(variable);
			if (value == null || value.isBlank()) {
				throw CliException.usage("-key-env " + variable + ": the environment variable is not set");
			}
			try {
				keys.add(Encryption.decodeKey(value.trim(), "-key-env " + variable));
			}
			catch (IllegalArgumentException ex) {
				throw CliException.usage(ex.getMessage());
			}
		}
		for (int i = 0; i < configured.size(); i++) {
			keys.add(Encryption.decodeKey(configured.get(i), "key " + (i + 1) + " of the configuration"));
		}
		Encryption encryption = keys.isEmpty() ? null : new Encryption(keys.get(0), keys.subList(1, keys.size()));
		return new ReplicaCodec(Compression.LZ4, ReplicaCodec.DEFAULT_ZSTD_LEVEL, encryption);
	}

	static boolean isUrl(String value) {
		return value.contains("://") || value.startsWith("file:") || value.startsWith("s3:");
	}

	static String scheme(String url) {
		int colon = url.indexOf(':');
		String scheme = (colon > 0) ? url.substring(0, colon).toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("s3") && !scheme.equals("file")) {
			throw CliException.usage("'" + url + "': unknown replica URL scheme '" + scheme
					+ "' (use s3://bucket/path or file:///directory)");
		}
		return scheme;
	}

	/**
	 * A replica from its URL and S3 settings. Credentials: the given ones, else
	 * Litestream's {@code LITESTREAM_ACCESS_KEY_ID} and
	 * {@code LITESTREAM_SECRET_ACCESS_KEY}, else the AWS SDK's chain.
	 */
	static SelectedReplica fromUrl(String url, String name, @Nullable String endpoint, @Nullable String region,
			@Nullable Boolean forcePathStyle, @Nullable String accessKeyId, @Nullable String secretAccessKey,
			ReplicaCodec codec) {
		if (scheme(url).equals("file")) {
			return new SelectedReplica(name, new FileReplicaClient(filePath(url)), codec, null);
		}
		S3ReplicaUrl s3;
		try {
			s3 = S3ReplicaUrl.parse(url);
		}
		catch (IllegalArgumentException ex) {
			throw CliException.usage("'" + url + "': " + ex.getMessage());
		}
		String endpointValue = blankToNull(endpoint);
		if (endpointValue == null) {
			endpointValue = blankToNull(System.getenv("LITESTREAM_ENDPOINT"));
		}
		S3ReplicaClientFactory.Builder factory = S3ReplicaClientFactory.builder();
		if (endpointValue != null) {
			URI uri;
			try {
				uri = URI.create(endpointValue);
			}
			catch (IllegalArgumentException ex) {
				throw CliException.usage("-endpoint " + endpointValue + ": not a URL (" + ex.getMessage() + ")");
			}
			if (uri.getScheme() == null || uri.getHost() == null) {
				throw CliException.usage("-endpoint " + endpointValue + ": not a URL such as http://127.0.0.1:9000");
			}
			factory.endpoint(uri);
			factory
				.customizer((builder) -> builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED));
		}
		factory.region(blankToNull(region));
		factory.forcePathStyle((forcePathStyle != null) ? forcePathStyle : endpointValue != null);
		String key = (accessKeyId != null) ? accessKeyId : System.getenv("LITESTREAM_ACCESS_KEY_ID");
		String secret = (secretAccessKey != null) ? secretAccessKey : System.getenv("LITESTREAM_SECRET_ACCESS_KEY");
		if (key != null && secret != null) {
			factory.credentials(key, secret);
		}
		ReplicaClient client;
		try {
			client = factory.build().create(s3);
		}
		catch (RuntimeException ex) {
			throw CliException.usage("cannot create an S3 client for " + url + ": " + ex.getMessage()
					+ " (give -region, or set AWS_REGION)");
		}
		return new SelectedReplica(name, client, codec, null);
	}

	static Path filePath(String url) {
		try {
			String path = url.startsWith("file://") ? URI.create(url).getPath() : url.substring("file:".length());
			if (path == null || path.isBlank()) {
				throw new IllegalArgumentException("no path");
			}
			return Path.of(path);
		}
		catch (IllegalArgumentException ex) {
			throw CliException
				.usage("'" + url + "': not a file URL such as file:///directory (" + ex.getMessage() + ")");
		}
	}

	static @Nullable String blankToNull(@Nullable String value) {
		return (value == null || value.isBlank()) ? null : value.trim();
	}

	/** What a map read from YAML holds at {@code key}, as text. */
	static @Nullable String text(Map<?, ?> map, String key) {
		Object value = map.get(key);
		return (value != null) ? value.toString() : null;
	}

}
