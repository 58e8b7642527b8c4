package io.github.jlitestream.core.capture;

import java.time.Duration;
import java.time.Instant;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.wal.WalFrame;
import io.github.jlitestream.core.wal.WalHeader;
import org.jspecify.annotations.Nullable;

/**
 * When the engine checkpoints, and how: a function of the WAL's sizes and times only, so
 * that every threshold of {@link DatabaseOptions} can be checked without SQLite.
 */
final class CheckpointPolicy {

	private final DatabaseOptions options;

	CheckpointPolicy(DatabaseOptions options) {
		this.options = options;
	}

	/**
	 * The checkpoint due now, or null.
	 * @param walFileSize the size of the WAL file (which a restart does not shrink; only
	 * a truncate does)
	 * @param shadowSize the size of the current index's shadow WAL, the current WAL
	 * lifetime
	 * @param pageSize the database's page size
	 * @param passiveBackfilledUpTo the shadow WAL's size at the last passive checkpoint
	 * of this index, or 0
	 * @param lastCheckpointAt when the last checkpoint completed, or null
	 * @param lastChangeAt when the engine last noticed a commit
	 * @param now the current time
	 */
	@Nullable CheckpointMode due(long walFileSize, long shadowSize, int pageSize, long passiveBackfilledUpTo,
			@Nullable Instant lastCheckpointAt, Instant lastChangeAt, Instant now) {
		if (this.options.truncatePageCount() > 0
				&& walFileSize >= walBytes(pageSize, this.options.truncatePageCount())) {
			return CheckpointMode.TRUNCATE;
		}
		if (this.options.maxCheckpointPageCount() > 0
				&& shadowSize >= walBytes(pageSize, this.options.maxCheckpointPageCount())) {
			return CheckpointMode.RESTART;
		}
		// Passive checkpoints (a backfill that writers do not wait for) each time the WAL
		// has grown by the minimum, at most once per monitor interval.
		boolean recent = lastCheckpointAt != null
				&& Duration.between(lastCheckpointAt, now).compareTo(this.options.monitorInterval()) < 0;
		long grown = shadowSize - Math.max(passiveBackfilledUpTo, WalHeader.SIZE) + WalHeader.SIZE;
		if (!recent && grown >= walBytes(pageSize, this.options.minCheckpointPageCount())) {
			return CheckpointMode.PASSIVE;
		}
		// An idle database's WAL restarts: nothing waits for the write lock, and its
		// readers find every page in the database file again.
		boolean idle = Duration.between(lastChangeAt, now).compareTo(this.options.checkpointInterval()) > 0;
		if (idle && shadowSize > walBytes(pageSize, 1)) {
			return CheckpointMode.RESTART;
		}
		return null;
	}

	/** The size of a WAL holding {@code pages} frames. */
	static long walBytes(int pageSize, int pages) {
		return WalHeader.SIZE + (long) (WalFrame.HEADER_SIZE + pageSize) * pages;
	}

}
