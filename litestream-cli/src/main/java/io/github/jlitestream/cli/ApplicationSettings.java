package io.github.jlitestream.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.jlitestream.autoconfigure.LitestreamConfigurationException;
import io.github.jlitestream.autoconfigure.LitestreamSettings;
import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.codec.ReplicaCodec;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Replicas from the application's own settings ({@code application.properties} or
 * {@code application.yml} with {@code litestream.*} keys), read by the starter's rules:
 * environment variables and system properties override the file as they do in the
 * application, and the same checks name the same properties.
 */
final class ApplicationSettings {

	private ApplicationSettings() {
	}

	/**
	 * Whether a YAML file holds Spring settings rather than Litestream's configuration.
	 */
	static boolean isSpringYaml(Path file) throws IOException {
		String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
		if (!name.endsWith(".yml") && !name.endsWith(".yaml")) {
			return false;
		}
		try (InputStream in = Files.newInputStream(file)) {
			for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(in)) {
				if (document instanceof Map<?, ?> map && (map.containsKey("litestream") || map.containsKey("spring"))) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * The replicas of one database of the file.
	 * @param target the database's name or path, or null for the only one
	 * @param keys the codec of keys given by flags, which replaces the configured one
	 */
	static List<SelectedReplica> replicas(Path file, @Nullable String target, @Nullable ReplicaCodec keys)
			throws IOException {
		StandardEnvironment environment = new StandardEnvironment();
		FileSystemResource resource = new FileSystemResource(file);
		List<PropertySource<?>> sources = file.getFileName().toString().endsWith(".properties")
				? new PropertiesPropertySourceLoader().load(file.toString(), resource)
				: new YamlPropertySourceLoader().load(file.toString(), resource);
		// after the environment variables and system properties, as in the application
		sources.forEach(environment.getPropertySources()::addLast);
		Map<String, LitestreamSettings.Database> databases;
		try {
			databases = LitestreamSettings.read(environment);
		}
		catch (LitestreamConfigurationException ex) {
			throw CliException.usage(file + ": " + ex.getMessage() + ". " + ex.action());
		}
		if (databases.isEmpty()) {
			throw CliException.usage(file + ": configures no database (no litestream.databases.*, and no "
					+ "litestream.replicas.* with a jdbc:sqlite: spring.datasource.url)");
		}
		LitestreamSettings.Database chosen = choose(file, databases, target);
		databases.values()
			.stream()
			.filter((database) -> database != chosen)
			.forEach(LitestreamSettings.Database::close);
		List<SelectedReplica> replicas = new ArrayList<>();
		for (ReplicaSpec spec : chosen.replicas()) {
			ObjectCodec codec = (keys != null) ? keys : spec.codec();
			replicas.add(new SelectedReplica(spec.options().name(), spec.client(),
					(codec != null) ? codec : ReplicaCodec.litestream(), chosen.options().path()));
		}
		return replicas;
	}

	private static LitestreamSettings.Database choose(Path file, Map<String, LitestreamSettings.Database> databases,
			@Nullable String target) {
		if (target == null) {
			if (databases.size() == 1) {
				return databases.values().iterator().next();
			}
			closeAll(databases);
			throw CliException.usage(file + " configures " + databases.size() + " databases ("
					+ String.join(", ", databases.keySet()) + "): name one, by name or path");
		}
		LitestreamSettings.Database byName = databases.get(target);
		if (byName != null) {
			return byName;
		}
		Path path = Path.of(target).toAbsolutePath().normalize();
		for (LitestreamSettings.Database database : databases.values()) {
			if (database.options().path().toAbsolutePath().normalize().equals(path)) {
				return database;
			}
		}
		closeAll(databases);
		throw CliException.usage(file + " configures no database named or at '" + target + "' (it has "
				+ String.join(", ", databases.keySet()) + ")");
	}

	private static void closeAll(Map<String, LitestreamSettings.Database> databases) {
		databases.values().forEach(LitestreamSettings.Database::close);
	}

}
