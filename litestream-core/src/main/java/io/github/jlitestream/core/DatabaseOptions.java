package io.github.jlitestream.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How one database is watched and checkpointed. Defaults are Litestream v0.3.13's.
 *
 * @param path the SQLite database file
 * @param metaPath the engine's local directory; {@code .<file>-litestream} beside the
 * database by default
 * @param monitorInterval how often the WAL is polled when no file-system event arrives
 * @param checkpointInterval checkpoint (restart) an idle database after this long
 * @param minCheckpointPageCount checkpoint (passive: backfill only, the WAL goes on) each
 * time the WAL has grown by this many pages
 * @param maxCheckpointPageCount checkpoint, wait for readers and restart the WAL (a new
 * index) at this many pages; 0 disables
 * @param truncatePageCount checkpoint and shrink the WAL file (truncate) at this many
 * pages; 0 disables
 * @param busyTimeout how long the engine's connections wait for SQLite's locks
 * @since 0.1.0
 */
public record DatabaseOptions(Path path, @Nullable Path metaPath, Duration monitorInterval, Duration checkpointInterval,
		int minCheckpointPageCount, int maxCheckpointPageCount, int truncatePageCount, Duration busyTimeout) {

	public static final Duration DEFAULT_MONITOR_INTERVAL = Duration.ofSeconds(1);

	public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMinutes(1);

	public static final int DEFAULT_MIN_CHECKPOINT_PAGE_COUNT = 1000;

	public static final int DEFAULT_MAX_CHECKPOINT_PAGE_COUNT = 10_000;

	public static final int DEFAULT_TRUNCATE_PAGE_COUNT = 500_000;

	public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(1);

	public DatabaseOptions {
		Objects.requireNonNull(path, "'path' must not be null");
		path = path.toAbsolutePath().normalize();
		if (metaPath == null) {
			metaPath = path.resolveSibling("." + path.getFileName() + "-litestream");
		}
		requirePositive(monitorInterval, "monitorInterval");
		requirePositive(checkpointInterval, "checkpointInterval");
		requirePositive(busyTimeout, "busyTimeout");
		requireMinCheckpointPageCount(minCheckpointPageCount);
		requireNotNegativePageCount(maxCheckpointPageCount);
		requireNotNegativePageCount(truncatePageCount);
	}

	/** Options with every default for the database at {@code path}. */
	public static DatabaseOptions of(Path path) {
		return builder(path).build();
	}

	/**
	 * Starts options for the database at {@code path}, with every default.
	 * @param path the SQLite database file
	 * @return the builder
	 * @throws NullPointerException when {@code path} is null
	 */
	public static Builder builder(Path path) {
		return new Builder(path);
	}

	/** Starts a builder with these options, to change some of them. */
	public Builder toBuilder() {
		return new Builder(this.path).metaPath(this.metaPath)
			.monitorInterval(this.monitorInterval)
			.checkpointInterval(this.checkpointInterval)
			.minCheckpointPageCount(this.minCheckpointPageCount)
			.maxCheckpointPageCount(this.maxCheckpointPageCount)
			.truncatePageCount(this.truncatePageCount)
			.busyTimeout(this.busyTimeout);
	}

	static Duration requirePositive(Duration duration, String name) {
		Objects.requireNonNull(duration, "'" + name + "' must not be null");
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + duration);
		}
		return duration;
	}

	private static int requireMinCheckpointPageCount(int count) {
		if (count <= 0) {
			throw new IllegalArgumentException("minCheckpointPageCount must be > 0, was " + count);
		}
		return count;
	}

	private static int requireNotNegativePageCount(int count) {
		if (count < 0) {
			throw new IllegalArgumentException("maxCheckpointPageCount and truncatePageCount must be >= 0");
		}
		return count;
	}

	/**
	 * Builds {@link DatabaseOptions}: each setter checks its own value, by the rule the
	 * record's constructor applies.
	 *
	 * @since 0.1.0
	 */
	public static final class Builder {

		private final Path path;

		private @Nullable Path metaPath;

		private Duration monitorInterval = DEFAULT_MONITOR_INTERVAL;

		private Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;

		private int minCheckpointPageCount = DEFAULT_MIN_CHECKPOINT_PAGE_COUNT;

		private int maxCheckpointPageCount = DEFAULT_MAX_CHECKPOINT_PAGE_COUNT;

		private int truncatePageCount = DEFAULT_TRUNCATE_PAGE_COUNT;

		private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;

		private Builder(Path path) {
			this.path = Objects.requireNonNull(path, "'path' must not be null");
		}

		/**
		 * The engine's local directory.
		 * @param metaPath the directory, or null for {@code .<file>-litestream} beside
		 * the database
		 * @return this builder
		 */
		public Builder metaPath(@Nullable Path metaPath) {
			this.metaPath = metaPath;
			return this;
		}

		/**
		 * How often the WAL is polled when no file-system event arrives.
		 * @param interval a positive duration
		 * @return this builder
		 * @throws IllegalArgumentException when {@code interval} is zero or negative
		 */
		public Builder monitorInterval(Duration interval) {
			this.monitorInterval = requirePositive(interval, "monitorInterval");
			return this;
		}

		/**
		 * Checkpoint (restart) an idle database after this long.
		 * @param interval a positive duration
		 * @return this builder
		 * @throws IllegalArgumentException when {@code interval} is zero or negative
		 */
		public Builder checkpointInterval(Duration interval) {
			this.checkpointInterval = requirePositive(interval, "checkpointInterval");
			return this;
		}

		/**
		 * Checkpoint (passive) each time the WAL has grown by this many pages.
		 * @param count 1 or more
		 * @return this builder
		 * @throws IllegalArgumentException when {@code count} is 0 or negative
		 */
		public Builder minCheckpointPageCount(int count) {
			this.minCheckpointPageCount = requireMinCheckpointPageCount(count);
			return this;
		}

		/**
		 * Checkpoint, wait for readers and restart the WAL at this many pages.
		 * @param count 0 (disabled) or more
		 * @return this builder
		 * @throws IllegalArgumentException when {@code count} is negative
		 */
		public Builder maxCheckpointPageCount(int count) {
			this.maxCheckpointPageCount = requireNotNegativePageCount(count);
			return this;
		}

		/**
		 * Checkpoint and shrink the WAL file at this many pages.
		 * @param count 0 (disabled) or more
		 * @return this builder
		 * @throws IllegalArgumentException when {@code count} is negative
		 */
		public Builder truncatePageCount(int count) {
			this.truncatePageCount = requireNotNegativePageCount(count);
			return this;
		}

		/**
		 * How long the engine's connections wait for SQLite's locks.
		 * @param timeout a positive duration
		 * @return this builder
		 * @throws IllegalArgumentException when {@code timeout} is zero or negative
		 */
		public Builder busyTimeout(Duration timeout) {
			this.busyTimeout = requirePositive(timeout, "busyTimeout");
			return this;
		}

		/** Builds the options. */
		public DatabaseOptions build() {
			return new DatabaseOptions(this.path, this.metaPath, this.monitorInterval, this.checkpointInterval,
					this.minCheckpointPageCount, this.maxCheckpointPageCount, this.truncatePageCount, this.busyTimeout);
		}

	}

}
