package io.github.jlitestream.core;

import java.time.Duration;
import java.util.List;

/**
 * The interval rules of the replication threads, in one place and free of clocks and
 * sleeping: how far apart the monitor copies the WAL, how long a replica waits before its
 * next upload, and how failures back off. The threads measure time and wait; this only
 * computes.
 */
final class UploadPacer {

	/**
	 * The shortest time between two copies of the WAL: under a stream of commits,
	 * notifications arrive per write, and copying (with its fsync) after every one would
	 * cost the application's writers more than it gains.
	 */
	static final Duration MIN_COPY_GAP = Duration.ofMillis(10);

	/**
	 * The longest gap between copies under a stream of commits: each replica copies the
	 * WAL itself right before it uploads, so the monitor's copies only need to be a small
	 * fraction of the shortest sync interval apart.
	 */
	static final Duration MAX_COPY_GAP = Duration.ofMillis(100);

	static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

	private final Duration syncInterval;

	/** Paces one replica's uploads at its sync interval. */
	UploadPacer(Duration syncInterval) {
		this.syncInterval = syncInterval;
	}

	/**
	 * A tenth of the shortest sync interval, within {@link #MIN_COPY_GAP} and
	 * {@link #MAX_COPY_GAP}.
	 */
	static Duration copyGap(List<ReplicaOptions> replicas) {
		Duration gap = MAX_COPY_GAP;
		for (ReplicaOptions replica : replicas) {
			Duration tenth = replica.syncInterval().dividedBy(10);
			if (tenth.compareTo(gap) < 0) {
				gap = tenth;
			}
		}
		return (gap.compareTo(MIN_COPY_GAP) < 0) ? MIN_COPY_GAP : gap;
	}

	/**
	 * The gap to keep before the monitor's next copy. The long gap only under a stream of
	 * commits: a commit's first notification may come before its last frame is written,
	 * and the copy that finds nothing must not delay the one that finds the commit.
	 * @param copyGap the gap under a stream of commits, from {@link #copyGap}
	 * @param lastCopyChanged whether the last copy found commits
	 */
	static Duration gapBeforeCopy(Duration copyGap, boolean lastCopyChanged) {
		return lastCopyChanged ? copyGap : MIN_COPY_GAP;
	}

	/** {@code base} doubled per failure, at most {@link #MAX_BACKOFF}. */
	static Duration backoff(Duration base, int failures) {
		long factor = 1L << Math.min(failures, 10);
		Duration delay = base.multipliedBy(factor);
		return (delay.compareTo(MAX_BACKOFF) > 0) ? MAX_BACKOFF : delay;
	}

	/**
	 * How long the replica waits for a change signal: a sync interval, or, after
	 * failures, the whole backoff, whatever commits come meanwhile: each of them wakes
	 * the thread, and a store that is down would otherwise be asked again every few
	 * milliseconds.
	 */
	Duration waitForChange(int failures) {
		return (failures == 0) ? this.syncInterval : backoff(this.syncInterval, failures);
	}

	/**
	 * Whether the wait after a failure ignores change signals: see
	 * {@link #waitForChange}.
	 */
	boolean waitsOutBackoff(int failures) {
		return failures > 0;
	}

	/**
	 * How long to wait, once woken by a change, before uploading. A commit after a quiet
	 * spell (no upload for a quarter of the interval) goes at once; under a stream of
	 * commits uploads come once per sync interval, each carrying everything since the
	 * last. After failures the backoff was the wait.
	 * @param sinceUpload the time since the last upload started
	 * @return the wait, {@link Duration#ZERO} to upload now
	 */
	Duration waitBeforeUpload(Duration sinceUpload, int failures) {
		boolean quiet = sinceUpload.compareTo(this.syncInterval.dividedBy(4)) >= 0;
		if (failures == 0 && !quiet && sinceUpload.compareTo(this.syncInterval) < 0) {
			return this.syncInterval.minus(sinceUpload);
		}
		return Duration.ZERO;
	}

}
