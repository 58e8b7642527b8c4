package io.github.jlitestream.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.capture.DatabaseReplacedException;
import io.github.jlitestream.core.restore.NoBackupException;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.ship.Replica;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one database and its replicas: a monitor thread that copies the WAL when it changes (or at the monitor
 * interval), and a thread per replica that uploads as soon as a commit is noticed but at most once per sync
 * interval, writes scheduled snapshots and enforces retention. Failures are retried with backoff and shown in the
 * status; they are logged once per streak.
 *
 * @since 0.1.0
 */
public final class DatabaseReplication {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseReplication.class);

	private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

	/**
	 * The shortest time between two copies of the WAL: under a stream of commits, notifications arrive per write,
	 * and copying (with its fsync) after every one would cost the application's writers more than it gains.
	 */
	static final Duration MIN_COPY_GAP = Duration.ofMillis(10);

	/**
	 * The longest gap between copies under a stream of commits: each replica copies the WAL itself right before it
	 * uploads, so the monitor's copies only need to be a small fraction of the shortest sync interval apart.
	 */
	static final Duration MAX_COPY_GAP = Duration.ofMillis(100);

	private final Duration copyGap;

	private final Database database;

	private final List<ReplicaWorker> workers = new ArrayList<>();

	private final Clock clock;

	private final ReplicationListener listener;

	private final Signal monitorSignal = new Signal();

	private volatile boolean running;

	private volatile @Nullable String lastError;

	private volatile Runnable beforeCopy = () -> {
	};

	/** Why the database must be opened again (it was deleted or replaced), until that succeeds. */
	private volatile @Nullable String reopenReason;

	private @Nullable Thread monitor;

	DatabaseReplication(Database database, List<Replica> replicas, Clock clock, ReplicationListener listener) {
		this.database = database;
		this.clock = clock;
		this.listener = listener;
		for (Replica replica : replicas) {
			this.workers.add(new ReplicaWorker(replica));
		}
		database.onChange(() -> this.workers.forEach((worker) -> worker.signal.raise()));
		this.copyGap = copyGap(replicas);
	}

	/** A tenth of the shortest sync interval, within {@link #MIN_COPY_GAP} and {@link #MAX_COPY_GAP}. */
	static Duration copyGap(List<Replica> replicas) {
		Duration gap = MAX_COPY_GAP;
		for (Replica replica : replicas) {
			Duration tenth = replica.options().syncInterval().dividedBy(10);
			if (tenth.compareTo(gap) < 0) {
				gap = tenth;
			}
		}
		return (gap.compareTo(MIN_COPY_GAP) < 0) ? MIN_COPY_GAP : gap;
	}

	/** The database. */
	public Database database() {
		return this.database;
	}

	/** Its replicas. */
	public List<Replica> replicas() {
		return this.workers.stream().map(ReplicaWorker::replica).toList();
	}

	/**
	 * Restores the database from whichever replica holds the newest state, reporting to the listener.
	 * @throws io.github.jlitestream.core.restore.NoBackupException when no replica holds a backup
	 */
	public RestoreResult restore(RestoreOptions options, RestoreProgress progress) throws IOException {
		long started = System.nanoTime();
		try {
			RestoreResult result = Restorer.restoreFrom(
					replicas().stream().map((r) -> new Restorer.Source(r.client(), r.codec())).toList(), options,
					progress);
			this.listener.onRestore(this.database.name(), result.databaseBytes(), result.duration(), null);
			return result;
		}
		catch (IOException | RuntimeException ex) {
			this.listener.onRestore(this.database.name(), 0, Duration.ofNanos(System.nanoTime() - started), ex);
			throw ex;
		}
	}

	/**
	 * Restores the latest state when the database file does not exist, before anything opens it.
	 * @return the result, or empty when the file exists or no replica holds a backup (a first start)
	 * @throws LitestreamException when a backup exists but cannot be restored: starting empty would be replicated
	 * as a new generation and, after the retention period, erase the real backup
	 */
	public Optional<RestoreResult> restoreIfMissing(int parallelism, RestoreProgress progress) throws IOException {
		return restoreIfMissing(parallelism, null, progress);
	}

	/**
	 * Restores the latest state of one generation, or of the newest when {@code generation} is null, when the
	 * database file does not exist: an operator names an older generation when the newest cannot be restored.
	 * @return the result, or empty when the file exists or no replica holds a backup (a first start)
	 * @throws LitestreamException when a backup exists but cannot be restored
	 */
	public Optional<RestoreResult> restoreIfMissing(int parallelism, @Nullable Generation generation,
			RestoreProgress progress) throws IOException {
		Path path = this.database.options().path();
		if (Files.exists(path)) {
			return Optional.empty();
		}
		try {
			return Optional.of(restore(RestoreOptions.builder(path).generation(generation)
				.parallelism(parallelism)
				.build(), progress));
		}
		catch (NoBackupException ex) {
			logger.info("db={} no backup in any replica, starting with an empty database: {}", this.database.name(),
					ex.getMessage());
			return Optional.empty();
		}
	}

	/** Runs before each copy of the WAL, such as re-arming a file-system watch. */
	void beforeCopy(Runnable action) {
		this.beforeCopy = action;
	}

	/** Wakes the monitor: the WAL may have changed. */
	void walChanged() {
		this.monitorSignal.raise();
	}

	void start() {
		this.running = true;
		this.monitor = thread("litestream-monitor-" + this.database.name(), this::monitorLoop);
		for (ReplicaWorker worker : this.workers) {
			worker.thread = thread("litestream-replica-" + this.database.name() + "-" + worker.replica.name(),
					worker::loop);
		}
	}

	/**
	 * Stops the threads, then copies and uploads what was committed until now, so a graceful shutdown loses nothing.
	 * @return whether every replica holds everything
	 */
	boolean stop(Duration timeout) {
		this.running = false;
		this.monitorSignal.raise();
		join(this.monitor, timeout);
		for (ReplicaWorker worker : this.workers) {
			worker.signal.raise();
			join(worker.thread, timeout);
		}
		boolean complete = true;
		try {
			// The last frames are copied under SQLite's write lock before the final uploads, not after them by
			// close(): what close() copied would reach no replica before the next start, and never on a fresh disk.
			this.database.copyNow();
			this.database.quiesce();
		}
		catch (RuntimeException ex) {
			complete = false;
			logger.warn("db={} final copy failed: {}", this.database.name(), ex.getMessage());
		}
		// What the shadow WAL holds goes up even when the last copy failed.
		for (ReplicaWorker worker : this.workers) {
			try {
				worker.replica.sync();
			}
			catch (IOException | RuntimeException ex) {
				complete = false;
				logger.warn("db={} replica={} final sync failed, changes since {} are not in it: {}",
						this.database.name(), worker.replica.name(), worker.replica.position(), ex.getMessage());
			}
		}
		return complete;
	}

	/** The current status. */
	public DatabaseStatus status() {
		List<ReplicaStatus> replicas = new ArrayList<>();
		for (ReplicaWorker worker : this.workers) {
			Replica replica = worker.replica;
			replicas.add(new ReplicaStatus(replica.name(), replica.client().type(), replica.client().location(),
					replica.position(), replica.lag(), replica.lastSyncAt(), replica.lastSnapshotAt(),
					replica.lastError(), worker.failures, replica.storage()));
		}
		return new DatabaseStatus(this.database.name(), this.database.options().path(), this.database.position(),
				this.database.databaseSize(), this.database.walSize(), this.database.lastSyncAt(),
				this.database.lastCheckpointAt(), this.lastError, List.copyOf(replicas));
	}

	private void monitorLoop() {
		int failures = 0;
		long lastCopy = 0;
		boolean copied = false;
		while (this.running) {
			Duration wait = (failures == 0) ? this.database.options().monitorInterval()
					: backoff(this.database.options().monitorInterval(), failures);
			this.monitorSignal.await(wait);
			if (!this.running) {
				return;
			}
			// The long gap only under a stream of commits: a commit's first notification may come before its last
			// frame is written, and the copy that finds nothing must not delay the one that finds the commit.
			Duration gap = copied ? this.copyGap : MIN_COPY_GAP;
			long sinceCopy = System.nanoTime() - lastCopy;
			if (sinceCopy < gap.toNanos()) {
				sleep(Duration.ofNanos(gap.toNanos() - sinceCopy));
			}
			lastCopy = System.nanoTime();
			this.beforeCopy.run();
			if (this.reopenReason != null && !reopen(failures)) {
				failures++;
				continue;
			}
			try {
				copied = this.database.sync();
				trimCommits();
				failures = 0;
				this.lastError = null;
			}
			catch (DatabaseReplacedException ex) {
				logger.warn("db={} {}", this.database.name(), ex.getMessage());
				this.reopenReason = ex.reason();
				failures = reopen(0) ? 0 : 1;
			}
			catch (RuntimeException ex) {
				if (failures++ == 0) {
					logger.warn("db={} sync failed, retrying: {}", this.database.name(), ex.getMessage());
				}
				this.lastError = ex.getMessage();
			}
		}
	}

	/**
	 * Opens the database again after it was deleted or replaced; retried with backoff until it succeeds, since a
	 * replaced file may not be a valid database yet and a deleted one may come back.
	 * @return whether it is open again
	 */
	private boolean reopen(int failures) {
		String reason = this.reopenReason;
		if (reason == null) {
			return true;
		}
		try {
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
	 * Forgets commits that every replica holds. A replica in another generation than the database holds none of the
	 * current generation's commits (positions of different generations cannot be compared: generation ids are
	 * random), so nothing is forgotten until every replica has reached the current generation.
	 */
	private void trimCommits() {
		Position current = this.database.position();
		if (current == null) {
			return;
		}
		Position min = null;
		for (ReplicaWorker worker : this.workers) {
			Position position = worker.replica.position();
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
	 * Deletes the local shadow WAL files that no replica needs any more: those below the lowest index any replica
	 * still has to upload. Only the replicas together can say that; one replica's position says nothing about the
	 * others, which may be slower or failing.
	 */
	private void releaseShadows() throws IOException {
		Position current = this.database.position();
		if (current == null) {
			return;
		}
		long below = current.index();
		for (ReplicaWorker worker : this.workers) {
			below = Math.min(below, worker.replica.neededShadowIndex(current.generation()));
		}
		if (below > 0) {
			this.database.releaseShadowBefore(current.generation(), below);
		}
	}

	private Thread thread(String name, Runnable body) {
		Thread thread = new Thread(body, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private static void join(@Nullable Thread thread, Duration timeout) {
		if (thread != null) {
			try {
				thread.join(timeout.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	static Duration backoff(Duration base, int failures) {
		long factor = 1L << Math.min(failures, 10);
		Duration delay = base.multipliedBy(factor);
		return (delay.compareTo(MAX_BACKOFF) > 0) ? MAX_BACKOFF : delay;
	}

	/** Uploads for one replica. */
	private final class ReplicaWorker {

		private final Replica replica;

		private final Signal signal = new Signal();

		private volatile int failures;

		private @Nullable Thread thread;

		private Instant lastUpload = Instant.EPOCH;

		private @Nullable Instant nextSnapshot;

		private @Nullable Instant nextRetention;

		ReplicaWorker(Replica replica) {
			this.replica = replica;
		}

		Replica replica() {
			return this.replica;
		}

		void loop() {
			ReplicaOptions options = this.replica.options();
			Instant now = DatabaseReplication.this.clock.instant();
			this.nextSnapshot = options.snapshotInterval().isZero() ? null : now.plus(options.snapshotInterval());
			this.nextRetention = options.retention().isZero() ? null : now.plus(options.retentionCheckInterval());
			boolean first = true;
			while (DatabaseReplication.this.running) {
				if (!first) {
					if (this.failures == 0) {
						this.signal.await(options.syncInterval());
					}
					else {
						// The whole backoff, whatever commits come meanwhile: each of them wakes the thread, and a
						// store that is down would otherwise be asked again every few milliseconds.
						awaitBackoff(backoff(options.syncInterval(), this.failures));
					}
					if (!DatabaseReplication.this.running) {
						return;
					}
					// A commit after a quiet spell (no upload for a quarter of the interval) goes at once; under a
					// stream of commits uploads come once per sync interval, each carrying everything since the last.
					Duration sinceUpload = Duration.between(this.lastUpload, DatabaseReplication.this.clock.instant());
					boolean quiet = sinceUpload.compareTo(options.syncInterval().dividedBy(4)) >= 0;
					if (this.failures == 0 && !quiet && sinceUpload.compareTo(options.syncInterval()) < 0) {
						awaitNextUpload(options.syncInterval().minus(sinceUpload));
						if (!DatabaseReplication.this.running) {
							return;
						}
					}
				}
				first = false;
				runOnce();
			}
		}

		private void awaitBackoff(Duration wait) {
			long deadline = System.nanoTime() + wait.toNanos();
			long left;
			while (DatabaseReplication.this.running && (left = deadline - System.nanoTime()) > 0) {
				this.signal.await(Duration.ofNanos(left));
			}
		}

		/** Waits this long, encoding the next segment ahead each time the monitor copies commits. */
		private void awaitNextUpload(Duration wait) {
			long deadline = System.nanoTime() + wait.toNanos();
			while (DatabaseReplication.this.running) {
				this.replica.prepare();
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return;
				}
				this.signal.await(Duration.ofNanos(left));
			}
		}

		private void runOnce() {
			try {
				Position before = this.replica.position();
				// Stamped when the upload starts, so that under load uploads start once per interval, not once per
				// interval plus the upload's own time.
				Instant started = DatabaseReplication.this.clock.instant();
				copyNow();
				this.replica.sync();
				if (before == null || !before.equals(this.replica.position())) {
					this.lastUpload = started;
				}
				if (this.failures > 0) {
					logger.info("db={} replica={} recovered after {} failed syncs", database.name(),
							this.replica.name(), this.failures);
					this.failures = 0;
				}
				Instant now = DatabaseReplication.this.clock.instant();
				if (this.nextSnapshot != null && !now.isBefore(this.nextSnapshot)) {
					this.replica.snapshot();
					this.nextSnapshot = now.plus(this.replica.options().snapshotInterval());
				}
				if (this.nextRetention != null && !now.isBefore(this.nextRetention)) {
					this.replica.enforceRetention();
					this.nextRetention = now.plus(this.replica.options().retentionCheckInterval());
				}
				releaseShadows();
			}
			catch (IOException | RuntimeException ex) {
				if (this.failures++ == 0) {
					logger.warn("db={} replica={} sync failed, retrying with backoff: {}", database.name(),
							this.replica.name(), ex.getMessage());
				}
			}
		}

		/**
		 * Copies the WAL before uploading, so the upload carries every commit until now rather than until the
		 * monitor's last copy (up to the copy gap older).
		 */
		private void copyNow() {
			try {
				DatabaseReplication.this.database.copyNow();
			}
			catch (RuntimeException ex) {
				// the monitor copies again, and reports and handles what failed
				logger.debug("db={} copy before upload failed: {}", database.name(), ex.getMessage());
			}
		}

	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(Math.max(0, duration.toMillis()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A wake-up flag with a timed wait. */
	private static final class Signal {

		private final ReentrantLock lock = new ReentrantLock();

		private final Condition raised = this.lock.newCondition();

		private boolean up;

		void raise() {
			this.lock.lock();
			try {
				this.up = true;
				this.raised.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}

		void await(Duration timeout) {
			this.lock.lock();
			try {
				long nanos = timeout.toNanos();
				while (!this.up && nanos > 0) {
					nanos = this.raised.awaitNanos(nanos);
				}
				this.up = false;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.lock.unlock();
			}
		}

	}

}
