package io.github.jlitestream.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How a replica is kept. Defaults follow Litestream v0.3.13, except that snapshots are scheduled daily by default.
 *
 * @param name the replica's name, unique per database
 * @param syncInterval the longest time between uploads while commits wait (uploads also start as soon as a commit
 * is noticed, at most once per interval)
 * @param snapshotInterval how often a new snapshot is written; zero disables scheduled snapshots
 * @param retention how long snapshots and WAL are kept for point-in-time restore; zero keeps everything
 * @param retentionCheckInterval how often retention runs
 * @since 0.1.0
 */
public record ReplicaOptions(String name, Duration syncInterval, Duration snapshotInterval, Duration retention,
		Duration retentionCheckInterval) {

	public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);

	public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofHours(24);

	public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

	public static final Duration DEFAULT_RETENTION_CHECK_INTERVAL = Duration.ofHours(1);

	public ReplicaOptions {
		Objects.requireNonNull(name, "'name' must not be null");
		if (name.isBlank()) {
			throw new IllegalArgumentException("A replica name must not be blank");
		}
		DatabaseOptions.requirePositive(syncInterval, "syncInterval");
		requireNotNegative(snapshotInterval, "snapshotInterval");
		requireNotNegative(retention, "retention");
		DatabaseOptions.requirePositive(retentionCheckInterval, "retentionCheckInterval");
	}

	/** Options with every default. */
	public static ReplicaOptions of(String name) {
		return new ReplicaOptions(name, DEFAULT_SYNC_INTERVAL, DEFAULT_SNAPSHOT_INTERVAL, DEFAULT_RETENTION,
				DEFAULT_RETENTION_CHECK_INTERVAL);
	}

	/** Returns a copy with another sync interval. */
	public ReplicaOptions withSyncInterval(Duration interval) {
		return new ReplicaOptions(this.name, interval, this.snapshotInterval, this.retention,
				this.retentionCheckInterval);
	}

	/** Returns a copy with another snapshot interval. */
	public ReplicaOptions withSnapshotInterval(Duration interval) {
		return new ReplicaOptions(this.name, this.syncInterval, interval, this.retention, this.retentionCheckInterval);
	}

	/** Returns a copy with another retention and retention check interval. */
	public ReplicaOptions withRetention(Duration retention, Duration checkInterval) {
		return new ReplicaOptions(this.name, this.syncInterval, this.snapshotInterval, retention, checkInterval);
	}

	private static void requireNotNegative(Duration duration, String name) {
		Objects.requireNonNull(duration, "'" + name + "' must not be null");
		if (duration.isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative, was " + duration);
		}
	}

}
