package io.github.jlitestream.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.jlitestream.core.capture.Database;
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
 * Runs one database and its replicas: a monitor thread that copies the WAL when it
 * changes (or at the monitor interval), and a thread per replica that uploads as soon as
 * a commit is noticed but at most once per sync interval, writes scheduled snapshots and
 * enforces retention. Failures are retried with backoff and shown in the status; they are
 * logged once per streak.
 *
 * @since 0.1.0
 */
public final class DatabaseReplication {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseReplication.class);

	private final Database database;

	private final List<ReplicaWorker> workers = new ArrayList<>();

	private final DatabaseMonitor monitor;

	private final ReplicationListener listener;

	private volatile boolean running;

	DatabaseReplication(Database database, List<Replica> replicas, Clock clock, ReplicationListener listener) {
		this.database = database;
		this.listener = listener;
		this.monitor = new DatabaseMonitor(database, List.copyOf(replicas), this::running);
		for (Replica replica : replicas) {
			this.workers.add(new ReplicaWorker(replica, database, clock, this::running, this.monitor::releaseShadows));
		}
		database.onChange(() -> this.workers.forEach(ReplicaWorker::wake));
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
	 * Restores the database from whichever replica holds the newest state, reporting to
	 * the listener.
	 * @throws io.github.jlitestream.core.restore.NoBackupException when no replica holds
	 * a backup
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
	 * Restores the latest state when the database file does not exist, before anything
	 * opens it.
	 * @return the result, or empty when the file exists or no replica holds a backup (a
	 * first start)
	 * @throws LitestreamException when a backup exists but cannot be restored: starting
	 * empty would be replicated as a new generation and, after the retention period,
	 * erase the real backup
	 */
	public Optional<RestoreResult> restoreIfMissing(int parallelism, RestoreProgress progress) throws IOException {
		return restoreIfMissing(parallelism, null, progress);
	}

	/**
	 * Restores the latest state of one generation, or of the newest when
	 * {@code generation} is null, when the database file does not exist: an operator
	 * names an older generation when the newest cannot be restored.
	 * @return the result, or empty when the file exists or no replica holds a backup (a
	 * first start)
	 * @throws LitestreamException when a backup exists but cannot be restored
	 */
	public Optional<RestoreResult> restoreIfMissing(int parallelism, @Nullable Generation generation,
			RestoreProgress progress) throws IOException {
		Path path = this.database.options().path();
		if (Files.exists(path)) {
			return Optional.empty();
		}
		try {
			return Optional.of(restore(
					RestoreOptions.builder(path).generation(generation).parallelism(parallelism).build(), progress));
		}
		catch (NoBackupException ex) {
			logger.info("db={} no backup in any replica, starting with an empty database: {}", this.database.name(),
					ex.getMessage());
			return Optional.empty();
		}
	}

	/**
	 * Copies what was committed until now and uploads it to every replica, now rather
	 * than at the next sync interval: what an operator asks for before a risky change.
	 * @throws IOException when a replica cannot be written; the replicas before it are
	 * synced
	 */
	public void syncNow() throws IOException {
		this.database.sync();
		for (Replica replica : replicas()) {
			replica.sync();
		}
	}

	/**
	 * Writes a new snapshot to every replica now, so that a restore needs no WAL written
	 * before it.
	 * @throws IOException when a replica cannot be written; the replicas before it have
	 * their snapshot
	 */
	public void snapshotNow() throws IOException {
		for (Replica replica : replicas()) {
			replica.snapshot();
		}
	}

	/** Runs before each copy of the WAL, such as re-arming a file-system watch. */
	void beforeCopy(Runnable action) {
		this.monitor.beforeCopy(action);
	}

	/** Wakes the monitor: the WAL may have changed. */
	void walChanged() {
		this.monitor.wake();
	}

	void start() {
		this.running = true;
		this.monitor.start();
		this.workers.forEach(ReplicaWorker::start);
	}

	private boolean running() {
		return this.running;
	}

	/**
	 * Stops the threads, then copies and uploads what was committed until now, so a
	 * graceful shutdown loses nothing.
	 * @return whether every replica holds everything
	 */
	boolean stop(Duration timeout) {
		this.running = false;
		this.monitor.join(timeout);
		for (ReplicaWorker worker : this.workers) {
			worker.join(timeout);
		}
		boolean complete = true;
		try {
			// The last frames are copied under SQLite's write lock before the final
			// uploads, not after them by close(): what close() copied would reach no
			// replica before the next start, and never on a fresh disk.
			this.database.copyNow();
			this.database.quiesce();
		}
		catch (RuntimeException ex) {
			complete = false;
			logger.warn("db={} final copy failed: {}", this.database.name(), ex.getMessage());
		}
		// What the shadow WAL holds goes up even when the last copy failed.
		for (ReplicaWorker worker : this.workers) {
			Replica replica = worker.replica();
			try {
				replica.sync();
			}
			catch (IOException | RuntimeException ex) {
				complete = false;
				logger.warn("db={} replica={} final sync failed, changes since {} are not in it: {}",
						this.database.name(), replica.name(), replica.position(), ex.getMessage());
			}
		}
		return complete;
	}

	/** The current status. */
	public DatabaseStatus status() {
		List<ReplicaStatus> replicas = new ArrayList<>();
		for (ReplicaWorker worker : this.workers) {
			Replica replica = worker.replica();
			replicas.add(new ReplicaStatus(replica.name(), replica.client().type(), replica.client().location(),
					replica.position(), replica.lag(), replica.lastSyncAt(), replica.lastSnapshotAt(),
					replica.lastError(), worker.failures(), replica.storage()));
		}
		return new DatabaseStatus(this.database.name(), this.database.options().path(), this.database.position(),
				this.database.databaseSize(), this.database.walSize(), this.database.lastSyncAt(),
				this.database.lastCheckpointAt(), this.monitor.lastError(), List.copyOf(replicas));
	}

}
