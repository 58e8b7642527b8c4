package io.github.jlitestream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Replicas from Litestream's YAML configuration ({@code dbs:} with {@code path:} and
 * {@code replicas:}, each a {@code url:} or {@code type:} with its fields), with
 * {@code $VAR} and {@code ${VAR}} expanded from the environment as Litestream does.
 */
final class LitestreamYaml {

	private static final Pattern VARIABLE = Pattern
		.compile("\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)\\}|([A-Za-z_][A-Za-z0-9_]*))");

	private LitestreamYaml() {
	}

	static List<SelectedReplica> replicas(Path file, @Nullable String target, ReplicaArguments arguments)
			throws IOException {
		Object document;
		try {
			document = new Yaml(new SafeConstructor(new LoaderOptions())).load(expand(Files.readString(file)));
		}
		catch (YAMLException ex) {
			throw CliException.usage(file + ": not valid YAML (" + ex.getMessage() + ")");
		}
		if (!(document instanceof Map<?, ?> root) || !(root.get("dbs") instanceof List<?> dbs)) {
			throw CliException.usage(file + ": no 'dbs:' list (Litestream's configuration), nor 'litestream:' keys "
					+ "(an application's settings)");
		}
		Map<?, ?> database = choose(file, dbs, target);
		Path path = Path.of(String.valueOf(database.get("path")));
		Object list = database.get("replicas");
		if (!(list instanceof List<?> replicas) || replicas.isEmpty()) {
			throw CliException.usage(file + ": database " + path + " has no replicas");
		}
		List<SelectedReplica> selected = new ArrayList<>();
		try {
			for (int i = 0; i < replicas.size(); i++) {
				if (!(replicas.get(i) instanceof Map<?, ?> replica)) {
					throw CliException.usage(file + ": replica " + (i + 1) + " of " + path + " is not a mapping");
				}
				selected.add(replica(file, root, path, replica, arguments));
			}
		}
		catch (RuntimeException ex) {
			SelectedReplica.closeAll(selected);
			throw ex;
		}
		return selected;
	}

	private static SelectedReplica replica(Path file, Map<?, ?> root, Path database, Map<?, ?> replica,
			ReplicaArguments arguments) {
		String url = ReplicaArguments.text(replica, "url");
		String type = ReplicaArguments.text(replica, "type");
		if (url == null) {
			if ("s3".equals(type)) {
				String bucket = ReplicaArguments.text(replica, "bucket");
				if (bucket == null) {
					throw CliException.usage(file + ": an s3 replica of " + database + " needs a bucket or a url");
				}
				String prefix = ReplicaArguments.text(replica, "path");
				url = "s3://" + bucket + "/" + ((prefix != null) ? prefix : "");
			}
			else if ("file".equals(type) || (type == null && replica.get("path") != null)) {
				url = "file://" + Path.of(String.valueOf(replica.get("path"))).toAbsolutePath();
			}
			else {
				throw CliException.usage(file + ": a replica of " + database + " needs a url, or type s3 or file");
			}
		}
		String scheme = ReplicaArguments.scheme(url);
		String name = ReplicaArguments.text(replica, "name");
		String endpoint = first(arguments.endpoint, ReplicaArguments.text(replica, "endpoint"));
		String region = first(arguments.region, ReplicaArguments.text(replica, "region"));
		Boolean pathStyle = (arguments.forcePathStyle != null) ? arguments.forcePathStyle
				: (replica.get("force-path-style") != null)
						? Boolean.valueOf(String.valueOf(replica.get("force-path-style"))) : null;
		String key = first(ReplicaArguments.text(replica, "access-key-id"),
				ReplicaArguments.text(root, "access-key-id"));
		String secret = first(ReplicaArguments.text(replica, "secret-access-key"),
				ReplicaArguments.text(root, "secret-access-key"));
		SelectedReplica selected = ReplicaArguments.fromUrl(url, (name != null) ? name : scheme, endpoint, region,
				pathStyle, key, secret, arguments.codec(List.of()));
		return new SelectedReplica(selected.name(), selected.client(), selected.codec(), database);
	}

	private static Map<?, ?> choose(Path file, List<?> dbs, @Nullable String target) {
		List<Map<?, ?>> databases = new ArrayList<>();
		for (Object db : dbs) {
			if (db instanceof Map<?, ?> map && map.get("path") != null) {
				databases.add(map);
			}
		}
		if (target == null) {
			if (databases.size() == 1) {
				return databases.get(0);
			}
			throw CliException.usage(file + " has " + databases.size() + " databases: give the path of one");
		}
		Path wanted = Path.of(target).toAbsolutePath().normalize();
		for (Map<?, ?> database : databases) {
			if (Path.of(String.valueOf(database.get("path"))).toAbsolutePath().normalize().equals(wanted)) {
				return database;
			}
		}
		throw CliException.usage("database not found in config: " + target + " (" + file + ")");
	}

	private static @Nullable String first(@Nullable String a, @Nullable String b) {
		return (a != null) ? a : b;
	}

	/** {@code $VAR} and {@code ${VAR}} replaced by the variable's value, or nothing. */
	static String expand(String text) {
		Matcher matcher = VARIABLE.matcher(text);
		StringBuilder expanded = new StringBuilder();
		while (matcher.find()) {
			String name = (matcher.group(1) != null) ? matcher.group(1) : matcher.group(2);
			String value = System.getenv(name);
			matcher.appendReplacement(expanded, Matcher.quoteReplacement((value != null) ? value : ""));
		}
		matcher.appendTail(expanded);
		return expanded.toString();
	}

}
