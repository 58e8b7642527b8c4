package io.github.jlitestream.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import io.github.jlitestream.core.Compression;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.ReplicationManager.ReplicaSpec;
import io.github.jlitestream.core.codec.Encryption;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@link LitestreamProperties} into a {@link ReplicationManager}, checking every
 * value on the way (the options through the core's builders, which hold the rules) and
 * naming the property of any that cannot work.
 */
final class ReplicationManagerFactory {

	/**
	 * The logical name of the application's DataSource database when no database is
	 * configured.
	 */
	static final String DEFAULT_DATABASE = "default";

	private static final Rule POSITIVE_DURATION = new Rule("must be a positive duration",
			"Use a duration such as 1s, 500ms or 1m.");

	private static final Rule NOT_NEGATIVE_DURATION = new Rule("must not be negative",
			"Use 0 to turn it off, or a duration such as 1h.");

	private static final Rule LEASE_TTL = new Rule("must be 0 (no lease) or at least 1s",
			"Use 30s (the default); 0 only for a store that ignores conditional writes, when you make sure "
					+ "yourself that one instance writes the replica.");

	private static final Rule MIN_PAGE_COUNT = new Rule("must be greater than 0", "Use a page count such as 1000.");

	private static final Rule NOT_NEGATIVE_PAGE_COUNT = new Rule("must not be negative",
			"Use 0 to turn it off, or a page count.");

	private static final Rule RATIO = new Rule("must be 0 (off) or more",
			"Use 1 (a restore downloads at most about twice the database), or 0 to turn it off.");

	private static final Rule PARALLELISM = new Rule("must be at least 1", "Use a value such as 8.");

	private static final Rule ZSTD_LEVEL = new Rule("must be 1 to 22",
			"Use 3 (zstd's default) or another level from 1 to 22.");

	private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

	private final LitestreamProperties properties;

	private final ReplicaClients clients;

	private final @Nullable String dataSourceUrl;

	ReplicationManagerFactory(LitestreamProperties properties, ReplicaClients clients, @Nullable String dataSourceUrl) {
		this.properties = properties;
		this.clients = clients;
		this.dataSourceUrl = dataSourceUrl;
	}

	/**
	 * The databases to replicate, by name: the configured ones, else the DataSource's
	 * SQLite file.
	 */
	Map<String, LitestreamProperties.Database> databases() {
		if (!this.properties.getDatabases().isEmpty()) {
			return withDataSourcePath(this.properties.getDatabases());
		}
		String path = sqlitePath(this.dataSourceUrl);
		if (path == null || this.properties.getReplicas().isEmpty()) {
			return Map.of();
		}
		LitestreamProperties.Database database = new LitestreamProperties.Database();
		database.setPath(path);
		database.setReplicas(this.properties.getReplicas());
		Map<String, LitestreamProperties.Database> databases = new LinkedHashMap<>();
		databases.put(DEFAULT_DATABASE, database);
		return databases;
	}

	/**
	 * The configured databases, the one without a path on the DataSource's SQLite file:
	 * where the two are meant to be one file, setting it once keeps them from parting
	 * (overriding only {@code spring.datasource.url} replicated the old, empty file).
	 */
	private Map<String, LitestreamProperties.Database> withDataSourcePath(
			Map<String, LitestreamProperties.Database> databases) {
		List<String> pathless = databases.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().getPath() == null || entry.getValue().getPath().isBlank())
			.map(Map.Entry::getKey)
			.toList();
		if (pathless.isEmpty()) {
			return databases;
		}
		String first = pathless.get(0);
		if (pathless.size() > 1) {
			throw new LitestreamConfigurationException(prefix(pathless.get(1)) + ".path", null,
					"a database needs a path; only one may leave it unset to replicate the DataSource's file, and '"
							+ first + "' does",
					"Set " + prefix(pathless.get(1)) + ".path to the SQLite database file.");
		}
		String dataSourceFile = sqlitePath(this.dataSourceUrl);
		if (dataSourceFile == null) {
			throw new LitestreamConfigurationException(prefix(first) + ".path", null,
					"a database needs a path, and spring.datasource.url " + ((this.dataSourceUrl != null)
							? "(" + this.dataSourceUrl + ") names no SQLite file" : "is not set") + " to take it from",
					"Set " + prefix(first) + ".path to the SQLite database file, or spring.datasource.url to "
							+ "jdbc:sqlite:<file> to replicate the DataSource's database.");
		}
		databases.get(first).setPath(dataSourceFile);
		return databases;
	}

	/** The property prefix of a database, for error messages. */
	String prefix(String name) {
		return this.properties.getDatabases().isEmpty() ? LitestreamProperties.PREFIX
				: LitestreamProperties.PREFIX + ".databases." + name;
	}

	ReplicationManager create(ReplicationListener listener, Clock clock) {
		ReplicationManager manager = new ReplicationManager(listener, clock);
		Map<String, ConfiguredDatabase> configured = configured();
		try {
			configured.forEach((name, database) -> manager.add(name, database.options(), database.replicas()));
		}
		catch (RuntimeException ex) {
			configured.values()
				.forEach((database) -> database.replicas().forEach((spec) -> closeQuietly(spec.client())));
			throw ex;
		}
		return manager;
	}

	/**
	 * Every database with its options and its replicas' clients and codecs, checked as a
	 * start checks them; the caller closes the clients.
	 */
	Map<String, ConfiguredDatabase> configured() {
		Map<String, ConfiguredDatabase> configured = new LinkedHashMap<>();
		List<ReplicaClient> created = new ArrayList<>();
		Map<Path, String> files = new HashMap<>();
		Map<String, String> locations = new HashMap<>();
		try {
			databases().forEach((name, database) -> {
				if (!this.properties.getDatabases().isEmpty()) {
					requireBindableName(prefix(name), name, "database");
				}
				DatabaseOptions options = databaseOptions(name, database);
				String sameFile = files.putIfAbsent(options.path(), name);
				if (sameFile != null) {
					throw new LitestreamConfigurationException(prefix(name) + ".path", database.getPath(),
							"database '" + sameFile + "' is the same file",
							"Configure each database once: two engines on one file destroy its replicas.");
				}
				configured.put(name,
						new ConfiguredDatabase(name, options, replicas(name, database, created, locations)));
			});
		}
		catch (RuntimeException ex) {
			created.forEach(ReplicationManagerFactory::closeQuietly);
			throw ex;
		}
		return configured;
	}

	/**
	 * A configured database: its options and its replicas.
	 *
	 * @param name the database's name
	 * @param options its options, the path included
	 * @param replicas its replicas, with their clients and codecs
	 */
	record ConfiguredDatabase(String name, DatabaseOptions options, List<ReplicaSpec> replicas) {
	}

	private DatabaseOptions databaseOptions(String name, LitestreamProperties.Database database) {
		String prefix = prefix(name);
		String path = database.getPath();
		if (path == null || path.isBlank()) {
			throw new LitestreamConfigurationException(prefix + ".path", path, "a database needs a path",
					"Set " + prefix + ".path to the SQLite database file.");
		}
		Path file = Path.of(path).toAbsolutePath().normalize();
		if (!Files.isDirectory(file.getParent())
				&& database.getRestore().getMode() == LitestreamProperties.RestoreMode.NEVER) {
			throw new LitestreamConfigurationException(prefix + ".path", path, "directory " + file
				.getParent() + " does not exist", "Create the directory, fix the path, or set " + prefix
						+ ".restore.mode=if-missing to restore the database (and create the directory) at startup.");
		}
		requireSqliteFile(prefix + ".path", path, file);
		DatabaseOptions.Builder options = DatabaseOptions.builder(file);
		bind(prefix + ".monitor-interval", database.getMonitorInterval(), POSITIVE_DURATION, options::monitorInterval);
		bind(prefix + ".checkpoint-interval", database.getCheckpointInterval(), POSITIVE_DURATION,
				options::checkpointInterval);
		bind(prefix + ".min-checkpoint-page-count", database.getMinCheckpointPageCount(), MIN_PAGE_COUNT,
				options::minCheckpointPageCount);
		bind(prefix + ".max-checkpoint-page-count", database.getMaxCheckpointPageCount(), NOT_NEGATIVE_PAGE_COUNT,
				options::maxCheckpointPageCount);
		bind(prefix + ".truncate-page-count", database.getTruncatePageCount(), NOT_NEGATIVE_PAGE_COUNT,
				options::truncatePageCount);
		// Checked now, by the restore's own rule, so that a wrong value stops the start
		// even when no restore runs.
		bind(prefix + ".restore.parallelism", database.getRestore().getParallelism(), PARALLELISM,
				RestoreOptions.builder(file)::parallelism);
		String generation = database.getRestore().getGeneration();
		if (generation != null && !generation.isBlank() && !Generation.isValid(generation.trim())) {
			throw new LitestreamConfigurationException(prefix + ".restore.generation", generation,
					"is not a generation id (16 lowercase hex digits)",
					"Use an id that /actuator/litestream/{database} lists, such as 0a1b2c3d4e5f6071, or remove it to "
							+ "restore the newest generation.");
		}
		Path metaPath = (database.getMetaPath() != null) ? Path.of(database.getMetaPath()) : null;
		return options.metaPath(metaPath).build();
	}

	/**
	 * An existing file must be a SQLite database: anything else failed later, in the
	 * engine's threads, with a long stack trace instead of the property's name.
	 */
	private static void requireSqliteFile(String property, String path, Path file) {
		if (Files.isDirectory(file)) {
			throw new LitestreamConfigurationException(property, path, "is a directory",
					"Give the SQLite database file, such as " + file.resolve("app.db") + ".");
		}
		if (!Files.isRegularFile(file)) {
			return;
		}
		byte[] header = new byte[SQLITE_HEADER.length];
		int read;
		try (InputStream in = Files.newInputStream(file)) {
			read = in.readNBytes(header, 0, header.length);
		}
		catch (IOException ex) {
			throw new LitestreamConfigurationException(property, path, "cannot be read: " + ex.getMessage(),
					"Let the application read and write the file.");
		}
		// an empty file is what SQLite creates before its first write
		if (read > 0 && (read < header.length || !Arrays.equals(header, SQLITE_HEADER))) {
			throw new LitestreamConfigurationException(property, path, "is not a SQLite database",
					"Point it at the application's SQLite database file (it starts with \"SQLite format 3\").");
		}
	}

	/**
	 * The replicas of one database, checked and with their clients.
	 * @param locations where each replica configured so far writes, with its database and
	 * name: two writers of one location destroy each other's replica
	 */
	private List<ReplicaSpec> replicas(String name, LitestreamProperties.Database database, List<ReplicaClient> created,
			Map<String, String> locations) {
		String prefix = prefix(name);
		if (database.getReplicas().isEmpty()) {
			throw new LitestreamConfigurationException(prefix + ".replicas", "[]", "a database needs a replica",
					"Add " + prefix + ".replicas.backup.url=s3://bucket/prefix (or file:///directory).");
		}
		List<ReplicaSpec> specs = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (Map.Entry<String, LitestreamProperties.Replica> entry : database.getReplicas().entrySet()) {
			LitestreamProperties.Replica replica = entry.getValue();
			String key = entry.getKey();
			boolean indexed = isIndex(key);
			String property = prefix + (indexed ? ".replicas[" + key + "]" : ".replicas." + key);
			String url = replica.getUrl();
			if (url == null || url.isBlank()) {
				throw new LitestreamConfigurationException(property + ".url", url, "a replica needs a URL",
						"Set " + property + ".url to s3://bucket/prefix or file:///directory"
								+ (indexed ? "." : ", or remove the settings of " + property
										+ " (a replica of that name exists only in them: mistyped?)."));
			}
			String replicaName = replicaName(key, replica, property, url);
			if (!names.add(replicaName)) {
				throw new LitestreamConfigurationException(property + ".name", replicaName,
						"another replica of database '" + name + "' has this name",
						"Give each replica of a database a unique name.");
			}
			ReplicaOptions.Builder options = ReplicaOptions.builder(replicaName);
			bind(property + ".sync-interval", replica.getSyncInterval(), POSITIVE_DURATION, options::syncInterval);
			bind(property + ".snapshot-interval", replica.getSnapshotInterval(), NOT_NEGATIVE_DURATION,
					options::snapshotInterval);
			bind(property + ".retention", replica.getRetention(), NOT_NEGATIVE_DURATION, options::retention);
			bind(property + ".retention-check-interval", replica.getRetentionCheckInterval(), POSITIVE_DURATION,
					options::retentionCheckInterval);
			bind(property + ".lease-ttl", replica.getLeaseTtl(), LEASE_TTL, options::leaseTtl);
			bind(property + ".verify-interval", replica.getVerifyInterval(), NOT_NEGATIVE_DURATION,
					options::verifyInterval);
			bind(property + ".snapshot-wal-ratio", replica.getSnapshotWalRatio(), RATIO, options::snapshotWalRatio);
			bind(property + ".compaction-age", replica.getCompactionAge(), NOT_NEGATIVE_DURATION,
					options::compactionAge);
			ReplicaOptions replicaOptions = options.build();
			ReplicaCodec codec = codec(replica, property);
			ReplicaClient client = this.clients.create(replica, property);
			created.add(client);
			String location = (replica.getEndpoint() != null && !replica.getEndpoint().isBlank())
					? client.location() + " at " + replica.getEndpoint() : client.location();
			String sameLocation = locations.putIfAbsent(location,
					"replica '" + replicaName + "' of database '" + name + "'");
			if (sameLocation != null) {
				throw new LitestreamConfigurationException(property + ".url", url, sameLocation + " writes there too",
						"Give each replica a location of its own (another bucket or prefix): two writers of one "
								+ "replica destroy it.");
			}
			specs.add(new ReplicaSpec(client, replicaOptions, codec));
		}
		return specs;
	}

	/**
	 * A replica given by name ({@code replicas.backup}) is named by its key; one given by
	 * index ({@code replicas[0]}) by its {@code name}, else by its URL's scheme.
	 */
	private static String replicaName(String key, LitestreamProperties.Replica replica, String property, String url) {
		if (isIndex(key)) {
			return (replica.getName() != null) ? replica.getName() : ReplicaClients.scheme(url, property + ".url");
		}
		requireBindableName(property, key, "replica");
		if (replica.getName() != null && !replica.getName().equals(key)) {
			throw new LitestreamConfigurationException(property + ".name", replica.getName(),
					"differs from the replica's key '" + key + "'",
					"Remove " + property + ".name: a replica given by name is named by its key.");
		}
		return key;
	}

	private static boolean isIndex(String key) {
		return !key.isEmpty() && key.chars().allMatch((c) -> c >= '0' && c <= '9');
	}

	/**
	 * Names must be what an environment variable binds back to (Spring Boot drops dashes
	 * and lowercases there): {@code LITESTREAM_DATABASES_ORDERSDB_PATH} sets a database
	 * {@code ordersdb}, never {@code orders-db}, and would make a second one.
	 */
	static void requireBindableName(String property, String name, String kind) {
		if (!name.matches("[a-z][a-z0-9]*")) {
			String suggestion = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
			throw new LitestreamConfigurationException(property, name,
					"a " + kind + " name must be lowercase letters and digits, starting with a letter",
					"Rename it" + (suggestion.matches("[a-z][a-z0-9]*") ? " to '" + suggestion + "'" : "")
							+ ": an environment variable can only set settings of such a name; with another, "
							+ "it would configure a second " + kind + ".");
		}
	}

	private static ReplicaCodec codec(LitestreamProperties.Replica replica, String property) {
		Compression compression;
		try {
			compression = Compression.parse(replica.getCompression());
		}
		catch (IllegalArgumentException ex) {
			throw new LitestreamConfigurationException(property + ".compression", replica.getCompression(),
					"unknown compression", "Use lz4 (Litestream's format) or zstd.");
		}
		// The codec checks the level; here before the keys are read, so that a wrong
		// level is still reported first.
		bind(property + ".compression-level", replica.getCompressionLevel(), ZSTD_LEVEL,
				(level) -> new ReplicaCodec(compression, level, null));
		return new ReplicaCodec(compression, replica.getCompressionLevel(),
				encryption(replica.getEncryption(), property + ".encryption"));
	}

	/** The replica's keys; errors name the property, never the key. */
	private static @Nullable Encryption encryption(LitestreamProperties.Encryption properties, String property) {
		String key = properties.getKey();
		String keyProperty = property + ".key";
		if (properties.getKeyFile() != null && !properties.getKeyFile().isBlank()) {
			if (key != null && !key.isBlank()) {
				throw new LitestreamConfigurationException(property + ".key-file", properties.getKeyFile(),
						"both key and key-file are set",
						"Set only one of " + keyProperty + " and " + property + ".key-file.");
			}
			try {
				key = Files.readString(Path.of(properties.getKeyFile()));
				keyProperty = property + ".key-file";
			}
			catch (IOException ex) {
				throw new LitestreamConfigurationException(property + ".key-file", properties.getKeyFile(),
						"cannot read the key file: " + ex.getMessage(), "Check the path and its permissions.");
			}
		}
		if (key == null || key.isBlank()) {
			if (!properties.getKeys().isEmpty()) {
				throw new LitestreamConfigurationException(keyProperty, "<not set>",
						"older keys are set but no current key",
						"Set " + property + ".key to the key that encrypts new objects.");
			}
			return null;
		}
		try {
			byte[] primary = Encryption.decodeKey(key, keyProperty);
			List<byte[]> others = new ArrayList<>();
			for (int i = 0; i < properties.getKeys().size(); i++) {
				others.add(Encryption.decodeKey(properties.getKeys().get(i), property + ".keys[" + i + "]"));
			}
			return new Encryption(primary, others);
		}
		catch (IllegalArgumentException ex) {
			throw new LitestreamConfigurationException(keyProperty, "<hidden>", ex.getMessage(),
					"Generate a key with `openssl rand -base64 32` and pass it through an environment variable.");
		}
	}

	/**
	 * The file of a {@code jdbc:sqlite:} URL, or null for another URL or an in-memory
	 * database.
	 */
	static @Nullable String sqlitePath(@Nullable String url) {
		if (url == null || !url.startsWith("jdbc:sqlite:")) {
			return null;
		}
		String path = url.substring("jdbc:sqlite:".length());
		if (path.startsWith("file:")) {
			path = path.substring("file:".length());
		}
		int query = path.indexOf('?');
		if (query >= 0) {
			path = path.substring(0, query);
		}
		if (path.isBlank() || path.equals(":memory:") || path.startsWith(":resource:")
				|| path.contains("mode=memory")) {
			return null;
		}
		return path;
	}

	/**
	 * Gives {@code value} to the core's setter, which checks it; a value the core refuses
	 * becomes the {@link LitestreamConfigurationException} that names the property, with
	 * the starter's own text for the rule.
	 */
	private static <T> void bind(String property, @Nullable T value, Rule rule, Consumer<T> setter) {
		try {
			setter.accept(value);
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			// NullPointerException: the core refuses a missing duration with
			// Objects.requireNonNull.
			throw new LitestreamConfigurationException(property, value, rule.problem(), rule.action());
		}
	}

	private static void closeQuietly(ReplicaClient client) {
		try {
			client.close();
		}
		catch (Exception ex) {
			// closing what was created before the failure
		}
	}

	/**
	 * What the starter tells the user about a value the core refused: its own words,
	 * which differ from the core's messages (those name the option in Java, these follow
	 * the property).
	 */
	private record Rule(String problem, String action) {
	}

}
