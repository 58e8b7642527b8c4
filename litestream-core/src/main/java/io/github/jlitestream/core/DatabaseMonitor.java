package io.github.jlitestream.core;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.capture.DatabaseReplacedException;
import io.github.jlitestream.core.ship.Replica;
import io.github.jlitestream.core.util.Failpoints;
import io.github.jlitestream.core.util.Threads;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread {@code litestream-monitor-<db>}: copies the WAL when it changes (or at the
 * monitor interval), opens the database again when it was deleted or replaced, and keeps
 * the bookkeeping that only all replicas together decide: which commits are durable
 * everywhere and which shadow WAL files no replica needs.
 */
final class DatabaseMonitor {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseReplication.class);

	private final Database database;

	private final List<Replica> replicas;

	private final BooleanSupplier running;

	private final Duration copyGap;

	private final Signal signal = new Signal();

	private volatile @Nullable String lastError;

	private volatile Runnable beforeCopy = () -> {
	};

	/**
	 * Why the database must be opened again (it was deleted or replaced), until that
	 * succeeds.
	 */
	private volatile @Nullable String reopenReason;

	private final EngineThread thread;

	private int failures;

	private long lastCopy;

	private boolean copied;

	DatabaseMonitor(Database database, List<Replica> replicas, BooleanSupplier running, ReplicationListener listener) {
		this.database = database;
		this.replicas = replicas;
		this.running = running;
		this.copyGap = UploadPacer.copyGap(replicas.stream().map(Replica::options).toList());
		this.thread = new EngineThread("litestream-monitor-" + database.name(), database.name(), listener, running,
				this.signal);
	}

	ThreadStatus threadStatus() {
		return this.thread.status();
	}

	/** The last failure to copy or reopen, or null when the last attempt succeeded. */
	@Nullable String lastError() {
		return this.lastError;
	}

	/** Runs before each copy of the WAL, such as re-arming a file-system watch. */
	void beforeCopy(Runnable action) {
		this.beforeCopy = action;
	}

	/** Wakes the monitor: the WAL may have changed, or replication stops. */
	void wake() {
		this.signal.raise();
	}

	void start() {
		this.thread.start(this::round);
	}

	void join(Duration timeout) {
		this.thread.join(timeout);
	}

	/** Waits for a change (or the interval), then copies the WAL. */
	private boolean round() {
		Duration wait = (this.failures == 0) ? this.database.options().monitorInterval()
				: UploadPacer.backoff(this.database.options().monitorInterval(), this.failures);
		this.signal.await(wait);
		if (!this.running.getAsBoolean()) {
			return false;
		}
		Duration gap = UploadPacer.gapBeforeCopy(this.copyGap, this.copied);
		long sinceCopy = System.nanoTime() - this.lastCopy;
		if (sinceCopy < gap.toNanos()) {
			Threads.sleep(Duration.ofNanos(gap.toNanos() - sinceCopy));
		}
		this.lastCopy = System.nanoTime();
		this.beforeCopy.run();
		if (this.reopenReason != null && !reopen(this.failures)) {
			this.failures++;
			return true;
		}
		try {
			this.copied = this.database.sync();
			trimCommits();
			this.failures = 0;
			this.lastError = null;
		}
		catch (DatabaseReplacedException ex) {
			logger.warn("db={} {}", this.database.name(), ex.getMessage());
			this.reopenReason = ex.reason();
			this.failures = reopen(0) ? 0 : 1;
		}
		catch (RuntimeException ex) {
			if (this.failures++ == 0) {
				logger.warn("db={} sync failed, retrying: {}", this.database.name(), ex.getMessage());
			}
			this.lastError = ex.getMessage();
		}
		return true;
	}

	/**
	 * Opens the database again after it was deleted or replaced; retried with backoff
	 * until it succeeds, since a replaced file may not be a valid database yet and a
	 * deleted one may come back.
	 * @return whether it is open again
	 */
	private boolean reopen(int failures) {
		String reason = this.reopenReason;
		if (reason == null) {
			return true;
		}
		try {
			Failpoints.hit(Failpoints.DATABASE_REOPEN);
			this.database.requireReplacementOpenable();
			this.database.close();
			this.database.reopen(reason);
			this.reopenReason = null;
			this.lastError = null;
			if (failures > 0) {
				logger.info("db={} reopened after {} failed attempts", this.database.name(), failures);
			}
			return true;
		}
		catch (RuntimeException ex) {
			this.lastError = ex.getMessage();
			if (failures == 0) {
				logger.warn("db={} cannot reopen, retrying with backoff: {}", this.database.name(), ex.getMessage());
			}
			return false;
		}
	}

	/**
	 * Forgets commits that every replica holds. A replica in another generation than the
	 * database holds none of the current generation's commits (positions of different
	 * generations cannot be compared: generation ids are random), so nothing is forgotten
	 * until every replica has reached the current generation.
	 */
	private void trimCommits() {
		Position current = this.database.position();
		if (current == null) {
			return;
		}
		Position min = null;
		for (Replica replica : this.replicas) {
			Position position = replica.position();
			if (position == null || !position.generation().equals(current.generation())) {
				return;
			}
			if (min == null || position.compareTo(min) < 0) {
				min = position;
			}
		}
		if (min != null) {
			this.database.commitsDurable(min);
		}
	}

	/**
	 * Deletes the local shadow WAL files that no replica needs any more: those below the
	 * lowest index any replica still has to upload. Only the replicas together can say
	 * that; one replica's position says nothing about the others, which may be slower or
	 * failing.
	 */
	void releaseShadows() throws IOException {
		Position current = this.database.position();
		if (current == null) {
			return;
		}
		long below = current.index();
		for (Replica replica : this.replicas) {
			below = Math.min(below, replica.neededShadowIndex(current.generation()));
		}
		if (below > 0) {
			this.database.releaseShadowBefore(current.generation(), below);
		}
	}

}
