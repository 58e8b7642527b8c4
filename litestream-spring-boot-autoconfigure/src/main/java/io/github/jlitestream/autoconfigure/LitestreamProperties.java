package io.github.jlitestream.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicationManager;
import io.github.jlitestream.core.codec.ReplicaCodec;
import io.github.jlitestream.core.restore.RestoreOptions;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of Litestream replication. Keys mirror Litestream's YAML configuration.
 *
 * @since 0.1.0
 */
@ConfigurationProperties(LitestreamProperties.PREFIX)
public class LitestreamProperties {

	/** The prefix of every property. */
	public static final String PREFIX = "litestream";

	/**
	 * Whether to replicate and restore databases.
	 */
	private boolean enabled = true;

	/**
	 * Databases to replicate, by logical name (lowercase letters and digits, starting
	 * with a letter, so that an environment variable can set their settings).
	 */
	private Map<String, Database> databases = new LinkedHashMap<>();

	/**
	 * Replicas of the application's DataSource database (a "jdbc:sqlite:" URL) when no
	 * database is configured, by name (lowercase letters and digits; an index such as
	 * replicas[0] also works).
	 */
	private Map<String, Replica> replicas = new LinkedHashMap<>();

	/**
	 * Whether HikariCP pools on a replicated database get "wal_autocheckpoint" at twice
	 * the database's max-checkpoint-page-count (unless they set it): the engine's
	 * checkpoints are then the only ones while it runs, and SQLite's take over if it
	 * stops. SQLite's default (1,000 pages) retries after every commit past it, held back
	 * by the engine each time, which costs a busy writer several percent of its speed.
	 */
	private boolean deferApplicationCheckpoints = true;

	/**
	 * How long the stop at shutdown may take in all, the final upload of every replica
	 * included: keep it, with the web server's drain, inside the orchestrator's grace
	 * period (Kubernetes: 30s by default). What did not reach a replica by then is
	 * uploaded at the next start from the local state.
	 */
	private Duration shutdownTimeout = ReplicationManager.DEFAULT_STOP_TIMEOUT;

	/**
	 * Thresholds of the health indicator.
	 */
	private final Health health = new Health();

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public boolean isDeferApplicationCheckpoints() {
		return this.deferApplicationCheckpoints;
	}

	public void setDeferApplicationCheckpoints(boolean deferApplicationCheckpoints) {
		this.deferApplicationCheckpoints = deferApplicationCheckpoints;
	}

	public Health getHealth() {
		return this.health;
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, Database> getDatabases() {
		return this.databases;
	}

	public void setDatabases(Map<String, Database> databases) {
		this.databases = databases;
	}

	public Map<String, Replica> getReplicas() {
		return this.replicas;
	}

	public void setReplicas(Map<String, Replica> replicas) {
		this.replicas = replicas;
	}

	/**
	 * When replication counts as unhealthy.
	 */
	public static class Health {

		/**
		 * Lag above which a replica is unhealthy.
		 */
		private Duration maxLag = Duration.ofSeconds(30);

		/**
		 * Consecutive failed syncs after which a replica is unhealthy.
		 */
		private int maxFailures = 3;

		/**
		 * The status of unhealthy replication (lag, failed syncs, a failing engine
		 * thread, a lost lease). LAGGING (the default) keeps the root health at HTTP 200,
		 * so a store's hiccup does not take a serving application out of its load
		 * balancer, or restart it through a liveness probe (losing exactly the commits
		 * not yet uploaded). DOWN makes it 503.
		 */
		private String unhealthyStatus = "LAGGING";

		public String getUnhealthyStatus() {
			return this.unhealthyStatus;
		}

		public void setUnhealthyStatus(String unhealthyStatus) {
			this.unhealthyStatus = unhealthyStatus;
		}

		public Duration getMaxLag() {
			return this.maxLag;
		}

		public void setMaxLag(Duration maxLag) {
			this.maxLag = maxLag;
		}

		public int getMaxFailures() {
			return this.maxFailures;
		}

		public void setMaxFailures(int maxFailures) {
			this.maxFailures = maxFailures;
		}

	}

	/**
	 * One replicated SQLite database.
	 */
	public static class Database {

		/**
		 * Path of the SQLite database file.
		 */
		private @Nullable String path;

		/**
		 * Directory of the engine's local state. Defaults to ".<file>-litestream" beside
		 * the database.
		 */
		private @Nullable String metaPath;

		/**
		 * How often the WAL is polled when no file-system notification arrives.
		 */
		private Duration monitorInterval = DatabaseOptions.DEFAULT_MONITOR_INTERVAL;

		/**
		 * Checkpoint an idle database after this long, restarting its WAL.
		 */
		private Duration checkpointInterval = DatabaseOptions.DEFAULT_CHECKPOINT_INTERVAL;

		/**
		 * WAL growth in pages that triggers a passive checkpoint: a backfill that writers
		 * do not wait for; the WAL goes on.
		 */
		private int minCheckpointPageCount = DatabaseOptions.DEFAULT_MIN_CHECKPOINT_PAGE_COUNT;

		/**
		 * WAL size in pages that triggers a checkpoint that waits for readers and
		 * restarts the WAL (a new WAL index). 0 disables it.
		 */
		private int maxCheckpointPageCount = DatabaseOptions.DEFAULT_MAX_CHECKPOINT_PAGE_COUNT;

		/**
		 * WAL size in pages that triggers a checkpoint that also shrinks the WAL file. 0
		 * disables it.
		 */
		private int truncatePageCount = DatabaseOptions.DEFAULT_TRUNCATE_PAGE_COUNT;

		/**
		 * Restore before the application starts.
		 */
		private final Restore restore = new Restore();

		/**
		 * Replicas of this database, by name (lowercase letters and digits, so that an
		 * environment variable can set one of their settings; an index such as
		 * replicas[0] also works). Settings of one replica from several sources merge.
		 */
		private Map<String, Replica> replicas = new LinkedHashMap<>();

		public @Nullable String getPath() {
			return this.path;
		}

		public void setPath(@Nullable String path) {
			this.path = path;
		}

		public @Nullable String getMetaPath() {
			return this.metaPath;
		}

		public void setMetaPath(@Nullable String metaPath) {
			this.metaPath = metaPath;
		}

		public Duration getMonitorInterval() {
			return this.monitorInterval;
		}

		public void setMonitorInterval(Duration monitorInterval) {
			this.monitorInterval = monitorInterval;
		}

		public Duration getCheckpointInterval() {
			return this.checkpointInterval;
		}

		public void setCheckpointInterval(Duration checkpointInterval) {
			this.checkpointInterval = checkpointInterval;
		}

		public int getMinCheckpointPageCount() {
			return this.minCheckpointPageCount;
		}

		public void setMinCheckpointPageCount(int minCheckpointPageCount) {
			this.minCheckpointPageCount = minCheckpointPageCount;
		}

		public int getMaxCheckpointPageCount() {
			return this.maxCheckpointPageCount;
		}

		public void setMaxCheckpointPageCount(int maxCheckpointPageCount) {
			this.maxCheckpointPageCount = maxCheckpointPageCount;
		}

		public int getTruncatePageCount() {
			return this.truncatePageCount;
		}

		public void setTruncatePageCount(int truncatePageCount) {
			this.truncatePageCount = truncatePageCount;
		}

		public Restore getRestore() {
			return this.restore;
		}

		public Map<String, Replica> getReplicas() {
			return this.replicas;
		}

		public void setReplicas(Map<String, Replica> replicas) {
			this.replicas = replicas;
		}

	}

	/**
	 * Client-side encryption (AES-256-GCM) of a replica's objects. Keys are never logged
	 * or shown.
	 */
	public static class Encryption {

		/**
		 * Key that encrypts new objects: base64 of 32 random bytes (for example from an
		 * environment variable).
		 */
		private @Nullable String key;

		/**
		 * File holding the key (base64 of 32 bytes), instead of "key".
		 */
		private @Nullable String keyFile;

		/**
		 * Older keys (base64), to restore objects written before a key rotation.
		 */
		private List<String> keys = new ArrayList<>();

		public @Nullable String getKey() {
			return this.key;
		}

		public void setKey(@Nullable String key) {
			this.key = key;
		}

		public @Nullable String getKeyFile() {
			return this.keyFile;
		}

		public void setKeyFile(@Nullable String keyFile) {
			this.keyFile = keyFile;
		}

		public List<String> getKeys() {
			return this.keys;
		}

		public void setKeys(List<String> keys) {
			this.keys = keys;
		}

	}

	/**
	 * When and how a database is restored at startup.
	 */
	public static class Restore {

		/**
		 * When to restore: "if-missing" restores the latest state when the database file
		 * does not exist; "never" does not restore.
		 */
		private RestoreMode mode = RestoreMode.IF_MISSING;

		/**
		 * How many objects are downloaded at once; small WAL segments eight times as
		 * many, since a long tail is bound by the store's round trips.
		 */
		private int parallelism = RestoreOptions.DEFAULT_PARALLELISM;

		/**
		 * How long a restore at startup waits until no other instance holds a replica's
		 * lease (released after its final sync, or expired), so that the new instance of
		 * a deploy that stops the old one restores the old one's final state. 0 does not
		 * wait.
		 */
		private Duration waitForLease = Duration.ZERO;

		public Duration getWaitForLease() {
			return this.waitForLease;
		}

		public void setWaitForLease(Duration waitForLease) {
			this.waitForLease = waitForLease;
		}

		/**
		 * The generation to restore at startup (16 hex digits, as the endpoint and
		 * "litestream generations" list them), for a replica whose newest generation
		 * cannot be restored; the newest when unset.
		 */
		private @Nullable String generation;

		public @Nullable String getGeneration() {
			return this.generation;
		}

		public void setGeneration(@Nullable String generation) {
			this.generation = generation;
		}

		public RestoreMode getMode() {
			return this.mode;
		}

		public void setMode(RestoreMode mode) {
			this.mode = mode;
		}

		public int getParallelism() {
			return this.parallelism;
		}

		public void setParallelism(int parallelism) {
			this.parallelism = parallelism;
		}

	}

	/**
	 * When to restore a database at startup.
	 */
	public enum RestoreMode {

		/**
		 * Restore the latest state when the database file does not exist.
		 */
		IF_MISSING,

		/**
		 * Never restore.
		 */
		NEVER

	}

	/**
	 * One replica: where the database is copied to.
	 */
	public static class Replica {

		/**
		 * Where the replica lives: "s3://bucket/prefix" or "file:///directory"
		 * ("file:relative/directory").
		 */
		private @Nullable String url;

		/**
		 * Name of a replica given by index (replicas[0]), unique per database; defaults
		 * to the URL's scheme ("s3", "file"). A replica given by name (replicas.backup)
		 * is named by its key.
		 */
		private @Nullable String name;

		/**
		 * Endpoint of an S3-compatible store, such as "http://127.0.0.1:9000". The
		 * replica then gets its own S3 client instead of the application's.
		 */
		private @Nullable String endpoint;

		/**
		 * Region of the bucket. The replica then gets its own S3 client instead of the
		 * application's.
		 */
		private @Nullable String region;

		/**
		 * Whether to use path-style S3 URLs. Defaults to true when an endpoint is set.
		 */
		private @Nullable Boolean forcePathStyle;

		/**
		 * Longest time between uploads while commits wait; a commit after a quiet spell
		 * is uploaded at once.
		 */
		private Duration syncInterval = ReplicaOptions.DEFAULT_SYNC_INTERVAL;

		/**
		 * How often a new snapshot is written. 0 disables scheduled snapshots.
		 */
		private Duration snapshotInterval = ReplicaOptions.DEFAULT_SNAPSHOT_INTERVAL;

		/**
		 * How long snapshots and WAL are kept for point-in-time restore. 0 keeps
		 * everything.
		 */
		private Duration retention = ReplicaOptions.DEFAULT_RETENTION;

		/**
		 * How often retention runs.
		 */
		private Duration retentionCheckInterval = ReplicaOptions.DEFAULT_RETENTION_CHECK_INTERVAL;

		/**
		 * How long the replica's lease lasts after each renewal (renewed every third of
		 * it). Only the instance that holds the lease writes the replica; another one
		 * waits as a standby and takes over when it is released or expires. 0 writes
		 * without a lease: only for a store that ignores conditional writes, when you
		 * make sure yourself that one instance writes the replica.
		 */
		private Duration leaseTtl = ReplicaOptions.DEFAULT_LEASE_TTL;

		/**
		 * How often the replica is verified: its latest state restored and compared, row
		 * for row, with the database at the same position (a failure shows in health, the
		 * litestream.verification metric and the endpoint). 0, the default, never.
		 */
		private Duration verifyInterval = Duration.ZERO;

		/**
		 * A new snapshot once the WAL stored since the newest snapshot exceeds this many
		 * times that snapshot's size, so that a restore of the latest state downloads at
		 * most about 1 + ratio times the database however long the service writes. 0
		 * turns it off.
		 */
		private double snapshotWalRatio = ReplicaOptions.DEFAULT_SNAPSHOT_WAL_RATIO;

		/**
		 * How old a complete WAL index must be before its segments are replaced by one
		 * object holding only the last version of each page it changed. Point-in-time
		 * restore keeps commit granularity inside this age and gets WAL-index granularity
		 * beyond it (a target inside a compacted index is rounded down to the end of the
		 * index before it). 0, the default, never compacts.
		 */
		private Duration compactionAge = Duration.ZERO;

		/**
		 * Compression of new objects: "lz4" (Litestream's format, readable by the
		 * litestream CLI) or "zstd" (smaller; only this project reads it).
		 */
		private String compression = "lz4";

		/**
		 * zstd compression level, 1 (fastest) to 22 (smallest).
		 */
		private int compressionLevel = ReplicaCodec.DEFAULT_ZSTD_LEVEL;

		/**
		 * Client-side encryption of the replica's objects.
		 */
		private final Encryption encryption = new Encryption();

		public String getCompression() {
			return this.compression;
		}

		public void setCompression(String compression) {
			this.compression = compression;
		}

		public int getCompressionLevel() {
			return this.compressionLevel;
		}

		public void setCompressionLevel(int compressionLevel) {
			this.compressionLevel = compressionLevel;
		}

		public Encryption getEncryption() {
			return this.encryption;
		}

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public @Nullable String getEndpoint() {
			return this.endpoint;
		}

		public void setEndpoint(@Nullable String endpoint) {
			this.endpoint = endpoint;
		}

		public @Nullable String getRegion() {
			return this.region;
		}

		public void setRegion(@Nullable String region) {
			this.region = region;
		}

		public @Nullable Boolean getForcePathStyle() {
			return this.forcePathStyle;
		}

		public void setForcePathStyle(@Nullable Boolean forcePathStyle) {
			this.forcePathStyle = forcePathStyle;
		}

		public Duration getSyncInterval() {
			return this.syncInterval;
		}

		public void setSyncInterval(Duration syncInterval) {
			this.syncInterval = syncInterval;
		}

		public Duration getSnapshotInterval() {
			return this.snapshotInterval;
		}

		public void setSnapshotInterval(Duration snapshotInterval) {
			this.snapshotInterval = snapshotInterval;
		}

		public Duration getRetention() {
			return this.retention;
		}

		public void setRetention(Duration retention) {
			this.retention = retention;
		}

		public Duration getRetentionCheckInterval() {
			return this.retentionCheckInterval;
		}

		public void setRetentionCheckInterval(Duration retentionCheckInterval) {
			this.retentionCheckInterval = retentionCheckInterval;
		}

		public Duration getLeaseTtl() {
			return this.leaseTtl;
		}

		public void setLeaseTtl(Duration leaseTtl) {
			this.leaseTtl = leaseTtl;
		}

		public Duration getVerifyInterval() {
			return this.verifyInterval;
		}

		public void setVerifyInterval(Duration verifyInterval) {
			this.verifyInterval = verifyInterval;
		}

		public double getSnapshotWalRatio() {
			return this.snapshotWalRatio;
		}

		public void setSnapshotWalRatio(double snapshotWalRatio) {
			this.snapshotWalRatio = snapshotWalRatio;
		}

		public Duration getCompactionAge() {
			return this.compactionAge;
		}

		public void setCompactionAge(Duration compactionAge) {
			this.compactionAge = compactionAge;
		}

	}

}
