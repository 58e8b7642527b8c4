package io.github.jlitestream.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How a replica is kept. Defaults follow Litestream v0.3.13, except that snapshots are
 * scheduled daily by default.
 *
 * @param name the replica's name, unique per database
 * @param syncInterval the longest time between uploads while commits wait (uploads also
 * start as soon as a commit is noticed, at most once per interval)
 * @param snapshotInterval how often a new snapshot is written; zero disables scheduled
 * snapshots
 * @param retention how long snapshots and WAL are kept for point-in-time restore; zero
 * keeps everything
 * @param retentionCheckInterval how often retention runs
 * @param leaseTtl how long the replica's lease lasts after each renewal (renewed every
 * third of it): only the instance that holds it writes the replica; zero writes without a
 * lease, for a store that ignores conditional writes
 * @param verifyInterval how often the replica is verified: its latest state restored and
 * compared with the database at the same position; zero, the default, never
 * @param snapshotWalRatio a new snapshot is written once the WAL stored since the newest
 * snapshot exceeds this many times that snapshot's size and 1 MiB (at most once per ten
 * sync intervals), so that a restore of the latest state downloads at most about
 * {@code 1 + ratio} times the database; zero writes none for that reason
 * @param compactionAge how old a complete WAL index (one the WAL restarted after) must be
 * before its segments are replaced by one object holding only the last version of each
 * page it changed: point-in-time restore keeps commit granularity inside this age and
 * gets index granularity beyond it; zero, the default, never compacts
 * @since 0.1.0
 */
public record ReplicaOptions(String name, Duration syncInterval, Duration snapshotInterval, Duration retention,
		Duration retentionCheckInterval, Duration leaseTtl, Duration verifyInterval, double snapshotWalRatio,
		Duration compactionAge) {

	public static final double DEFAULT_SNAPSHOT_WAL_RATIO = 1.0;

	public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofSeconds(1);

	public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofHours(24);

	public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

	public static final Duration DEFAULT_RETENTION_CHECK_INTERVAL = Duration.ofHours(1);

	public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);

	public ReplicaOptions {
		requireName(name);
		DatabaseOptions.requirePositive(syncInterval, "syncInterval");
		requireNotNegative(snapshotInterval, "snapshotInterval");
		requireNotNegative(retention, "retention");
		DatabaseOptions.requirePositive(retentionCheckInterval, "retentionCheckInterval");
		requireLeaseTtl(leaseTtl);
		requireNotNegative(verifyInterval, "verifyInterval");
		requireRatio(snapshotWalRatio);
		requireNotNegative(compactionAge, "compactionAge");
	}

	/** Options without scheduled verification, with the default snapshot ratio. */
	public ReplicaOptions(String name, Duration syncInterval, Duration snapshotInterval, Duration retention,
			Duration retentionCheckInterval, Duration leaseTtl) {
		this(name, syncInterval, snapshotInterval, retention, retentionCheckInterval, leaseTtl, Duration.ZERO,
				DEFAULT_SNAPSHOT_WAL_RATIO, Duration.ZERO);
	}

	private static double requireRatio(double ratio) {
		if (!(ratio >= 0) || Double.isInfinite(ratio)) {
			throw new IllegalArgumentException("snapshotWalRatio must be 0 (off) or more, was " + ratio);
		}
		return ratio;
	}

	/** Whether the replica is written only under a lease. */
	public boolean leased() {
		return !this.leaseTtl.isZero();
	}

	/** Options with every default. */
	public static ReplicaOptions of(String name) {
		return builder(name).build();
	}

	/**
	 * Starts options for the replica {@code name}, with every default. The name is
	 * checked by {@link Builder#build()}, after the values the setters check, so that the
	 * starter still reports a wrong interval before a blank name.
	 * @param name the replica's name, unique per database
	 * @return the builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/** Starts a builder with these options, to change some of them. */
	public Builder toBuilder() {
		return new Builder(this.name).syncInterval(this.syncInterval)
			.snapshotInterval(this.snapshotInterval)
			.retention(this.retention)
			.retentionCheckInterval(this.retentionCheckInterval)
			.leaseTtl(this.leaseTtl)
			.verifyInterval(this.verifyInterval)
			.snapshotWalRatio(this.snapshotWalRatio)
			.compactionAge(this.compactionAge);
	}

	private static void requireName(String name) {
		Objects.requireNonNull(name, "'name' must not be null");
		if (name.isBlank()) {
			throw new IllegalArgumentException("A replica name must not be blank");
		}
	}

	private static Duration requireLeaseTtl(Duration ttl) {
		requireNotNegative(ttl, "leaseTtl");
		if (!ttl.isZero() && ttl.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("leaseTtl must be zero (no lease) or at least 1 second, was " + ttl);
		}
		return ttl;
	}

	private static Duration requireNotNegative(Duration duration, String name) {
		Objects.requireNonNull(duration, "'" + name + "' must not be null");
		if (duration.isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative, was " + duration);
		}
		return duration;
	}

	/**
	 * Builds {@link ReplicaOptions}: each setter checks its own value, by the rule the
	 * record's constructor applies.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private final String name;

		private Duration syncInterval = DEFAULT_SYNC_INTERVAL;

		private Duration snapshotInterval = DEFAULT_SNAPSHOT_INTERVAL;

		private Duration retention = DEFAULT_RETENTION;

		private Duration retentionCheckInterval = DEFAULT_RETENTION_CHECK_INTERVAL;

		private Duration leaseTtl = DEFAULT_LEASE_TTL;

		private Duration verifyInterval = Duration.ZERO;

		private double snapshotWalRatio = DEFAULT_SNAPSHOT_WAL_RATIO;

		private Duration compactionAge = Duration.ZERO;

		private Builder(String name) {
			this.name = name;
		}

		/**
		 * The longest time between uploads while commits wait.
		 * @param interval a positive duration
		 * @return this builder
		 * @throws IllegalArgumentException when {@code interval} is zero or negative
		 */
		public Builder syncInterval(Duration interval) {
			this.syncInterval = DatabaseOptions.requirePositive(interval, "syncInterval");
			return this;
		}

		/**
		 * How often a new snapshot is written.
		 * @param interval a duration; zero disables scheduled snapshots
		 * @return this builder
		 * @throws IllegalArgumentException when {@code interval} is negative
		 */
		public Builder snapshotInterval(Duration interval) {
			this.snapshotInterval = requireNotNegative(interval, "snapshotInterval");
			return this;
		}

		/**
		 * How long snapshots and WAL are kept for point-in-time restore.
		 * @param retention a duration; zero keeps everything
		 * @return this builder
		 * @throws IllegalArgumentException when {@code retention} is negative
		 */
		public Builder retention(Duration retention) {
			this.retention = requireNotNegative(retention, "retention");
			return this;
		}

		/**
		 * How often retention runs.
		 * @param interval a positive duration
		 * @return this builder
		 * @throws IllegalArgumentException when {@code interval} is zero or negative
		 */
		public Builder retentionCheckInterval(Duration interval) {
			this.retentionCheckInterval = DatabaseOptions.requirePositive(interval, "retentionCheckInterval");
			return this;
		}

		/**
		 * How long the replica's lease lasts after each renewal.
		 * @param ttl at least 1 second; zero writes the replica without a lease
		 * @return this builder
		 * @throws IllegalArgumentException when {@code ttl} is negative or below 1 second
		 */
		public Builder leaseTtl(Duration ttl) {
			this.leaseTtl = requireLeaseTtl(ttl);
			return this;
		}

		/**
		 * How often the replica is verified: its latest state restored and compared with
		 * the database at the same position.
		 * @param interval a duration; zero never verifies
		 * @return this builder
		 * @throws IllegalArgumentException when {@code interval} is negative
		 */
		public Builder verifyInterval(Duration interval) {
			this.verifyInterval = requireNotNegative(interval, "verifyInterval");
			return this;
		}

		/**
		 * A new snapshot once the WAL stored since the newest snapshot exceeds this many
		 * times that snapshot's size.
		 * @param ratio 0 (off) or more
		 * @return this builder
		 * @throws IllegalArgumentException when {@code ratio} is negative or not a number
		 */
		public Builder snapshotWalRatio(double ratio) {
			this.snapshotWalRatio = requireRatio(ratio);
			return this;
		}

		/**
		 * How old a complete WAL index must be before it is compacted to the last version
		 * of each page it changed.
		 * @param age a duration; zero never compacts
		 * @return this builder
		 * @throws IllegalArgumentException when {@code age} is negative
		 */
		public Builder compactionAge(Duration age) {
			this.compactionAge = requireNotNegative(age, "compactionAge");
			return this;
		}

		/**
		 * Builds the options.
		 * @return the options
		 * @throws NullPointerException when the name is null
		 * @throws IllegalArgumentException when the name is blank
		 */
		public ReplicaOptions build() {
			return new ReplicaOptions(this.name, this.syncInterval, this.snapshotInterval, this.retention,
					this.retentionCheckInterval, this.leaseTtl, this.verifyInterval, this.snapshotWalRatio,
					this.compactionAge);
		}

	}

}
