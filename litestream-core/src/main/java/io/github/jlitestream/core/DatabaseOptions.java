package io.github.jlitestream.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How one database is watched and checkpointed. Defaults are Litestream v0.3.13's.
 *
 * @param path the SQLite database file
 * @param metaPath the engine's local directory; {@code .<file>-litestream} beside the database by default
 * @param monitorInterval how often the WAL is polled when no file-system event arrives
 * @param checkpointInterval checkpoint (restart) an idle database after this long
 * @param minCheckpointPageCount checkpoint (passive: backfill only, the WAL goes on) each time the WAL has grown by
 * this many pages
 * @param maxCheckpointPageCount checkpoint, wait for readers and restart the WAL (a new index) at this many pages;
 * 0 disables
 * @param truncatePageCount checkpoint and shrink the WAL file (truncate) at this many pages; 0 disables
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
		if (minCheckpointPageCount <= 0) {
			throw new IllegalArgumentException("minCheckpointPageCount must be > 0, was " + minCheckpointPageCount);
		}
		if (maxCheckpointPageCount < 0 || truncatePageCount < 0) {
			throw new IllegalArgumentException("maxCheckpointPageCount and truncatePageCount must be >= 0");
		}
	}

	/** Options with every default for the database at {@code path}. */
	public static DatabaseOptions of(Path path) {
		return new DatabaseOptions(path, null, DEFAULT_MONITOR_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL,
				DEFAULT_MIN_CHECKPOINT_PAGE_COUNT, DEFAULT_MAX_CHECKPOINT_PAGE_COUNT, DEFAULT_TRUNCATE_PAGE_COUNT,
				DEFAULT_BUSY_TIMEOUT);
	}

	/** Returns a copy with other checkpoint page counts. */
	public DatabaseOptions withCheckpointPageCounts(int min, int max, int truncate) {
		return new DatabaseOptions(this.path, this.metaPath, this.monitorInterval, this.checkpointInterval, min, max,
				truncate, this.busyTimeout);
	}

	/** Returns a copy with another monitor interval. */
	public DatabaseOptions withMonitorInterval(Duration interval) {
		return new DatabaseOptions(this.path, this.metaPath, interval, this.checkpointInterval,
				this.minCheckpointPageCount, this.maxCheckpointPageCount, this.truncatePageCount, this.busyTimeout);
	}

	/** Returns a copy with another checkpoint interval. */
	public DatabaseOptions withCheckpointInterval(Duration interval) {
		return new DatabaseOptions(this.path, this.metaPath, this.monitorInterval, interval,
				this.minCheckpointPageCount, this.maxCheckpointPageCount, this.truncatePageCount, this.busyTimeout);
	}

	static void requirePositive(Duration duration, String name) {
		Objects.requireNonNull(duration, "'" + name + "' must not be null");
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, was " + duration);
		}
	}

}
