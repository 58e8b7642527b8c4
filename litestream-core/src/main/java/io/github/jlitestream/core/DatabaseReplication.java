package io.github.jlitestream.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.lease.LeaseIdentity;
import io.github.jlitestream.core.lease.LeaseNotHeldException;
import io.github.jlitestream.core.lease.LeaseRole;
import io.github.jlitestream.core.lease.LocalLock;
import io.github.jlitestream.core.lease.ReplicaLease;
import io.github.jlitestream.core.restore.NoBackupException;
import io.github.jlitestream.core.restore.RestoreOptions;
import io.github.jlitestream.core.restore.RestoreProgress;
import io.github.jlitestream.core.restore.RestoreResult;
import io.github.jlitestream.core.restore.Restorer;
import io.github.jlitestream.core.ship.Replica;
import io.github.jlitestream.core.util.Deadline;
import io.github.jlitestream.core.util.Threads;
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

	/** How long the start waits for each replica's first lease round. */
	private static final Duration FIRST_LEASE_WAIT = Duration.ofSeconds(5);

	/** How often a standby engine tries the local lock. */
	private static final Duration STANDBY_POLL = Duration.ofMillis(100);

	private final Database database;

	private final List<ReplicaWorker> workers = new ArrayList<>();

	private final DatabaseRollback rollback;

	/** The scheduled verification of each replica that has one, by replica name. */
	private final Map<String, ReplicaVerification> verifications = new LinkedHashMap<>();

	private final DatabaseMonitor monitor;

	private final ReplicationListener listener;

	private final List<LeaseKeeper> keepers = new ArrayList<>();

	private final Clock clock;

	private final String instance;

	private volatile boolean running;

	/** Held while this engine replicates the database; null in standby. */
	private volatile @Nullable LocalLock localLock;

	private final EngineThread standby;

	private final Signal standbySignal = new Signal();

	private volatile boolean standingBy;

	DatabaseReplication(Database database, List<Replica> replicas, Clock clock, ReplicationListener listener,
			String instance) {
		this.database = database;
		this.listener = listener;
		this.clock = clock;
		this.instance = instance;
		this.rollback = new DatabaseRollback(database, this::restore, listener, clock, instance, this::localHolder);
		this.monitor = new DatabaseMonitor(database, List.copyOf(replicas), this::running, listener);
		this.standby = new EngineThread("litestream-standby-" + database.name(), database.name(), listener,
				this::running, this.standbySignal);
		for (Replica replica : replicas) {
			ReplicaWorker worker = new ReplicaWorker(replica, database, clock, this::running,
					this.monitor::releaseShadows, listener);
			this.workers.add(worker);
			if (!replica.options().verifyInterval().isZero()) {
				this.verifications.put(replica.name(),
						new ReplicaVerification(replica, database, clock, this::running, listener));
			}
			if (replica.lease() != null) {
				ReplicaLease lease = replica.lease();
				this.keepers
					.add(new LeaseKeeper(
							lease, database.name(), "litestream-lease-" + database.name() + "-" + replica.name(),
							this::running, worker::wake, () -> listener.onSync(database.name(), replica.name(),
									Duration.ZERO, new LeaseNotHeldException("lease: " + lease.lastError())),
							listener));
			}
		}
		database.onChange(() -> this.workers.forEach(ReplicaWorker::wake));
	}

	/**
	 * Whether this engine replicates the database ({@link ReplicationRole#PRIMARY}), or
	 * waits for another engine on this host to stop.
	 */
	public ReplicationRole role() {
		return (this.localLock != null) ? ReplicationRole.PRIMARY
				: this.running ? ReplicationRole.STANDBY : ReplicationRole.STOPPED;
	}

	/**
	 * The engine that holds the database's local lock while this one waits, as it
	 * recorded itself; empty when this engine holds it or none is recorded.
	 */
	public Optional<LocalLock.Holder> localHolder() {
		return (this.localLock != null) ? Optional.empty() : LocalLock.holder(this.database.options().metaPath());
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
		return restore(options, progress, true);
	}

	/**
	 * Restores, reporting to the listener.
	 * @param noBackupFails whether finding no backup is reported as a failed restore (a
	 * restore asked for) or not at all (a first start)
	 */
	private RestoreResult restore(RestoreOptions options, RestoreProgress progress, boolean noBackupFails)
			throws IOException {
		long started = System.nanoTime();
		try {
			RestoreResult result = Restorer.restoreFrom(
					replicas().stream().map((r) -> new Restorer.Source(r.client(), r.codec())).toList(), options,
					progress);
			this.listener.onRestore(this.database.name(), result.databaseBytes(), result.duration(), null);
			return result;
		}
		catch (IOException | RuntimeException ex) {
			if (noBackupFails || !(ex instanceof NoBackupException)) {
				this.listener.onRestore(this.database.name(), 0, Duration.ofNanos(System.nanoTime() - started), ex);
			}
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
			RestoreResult result = restore(
					RestoreOptions.builder(path).generation(generation).parallelism(parallelism).build(), progress,
					false);
			StartupRestore.continueGeneration(this.database, replicas(), result.position());
			return Optional.of(result);
		}
		catch (NoBackupException ex) {
			logger.info("db={} no backup in any replica, starting with an empty database: {}", this.database.name(),
					ex.getMessage());
			return Optional.empty();
		}
	}

	/**
	 * The rollbacks of the live database: staged while it runs, applied at the next start
	 * before anything opens it.
	 * @since 0.2.0
	 */
	public DatabaseRollback rollback() {
		return this.rollback;
	}

	/**
	 * What the scheduled verification of a replica found last, without building the whole
	 * status (the metrics read it at every scrape).
	 * @param replica the replica's name
	 * @return its verification, or empty when it has none
	 * @since 0.2.0
	 */
	public Optional<VerificationStatus> verification(String replica) {
		ReplicaVerification verification = this.verifications.get(replica);
		return (verification != null) ? Optional.of(verification.status()) : Optional.empty();
	}

	/** Right after the database opened: the generation an applied rollback starts. */
	void afterOpen() {
		String reason = this.rollback.takeOpenGenerationReason();
		if (reason != null) {
			this.database.startNewGeneration(reason);
		}
	}

	/**
	 * Waits until no other instance holds any of the replicas' leases (released,
	 * unchanged for a TTL, or none), so that a restore at start includes the previous
	 * holder's final sync: the new instance of a deploy that stops the old one.
	 * @param timeout the longest wait for each replica
	 * @return whether every lease is free; false when the timeout passed first (then
	 * logged)
	 */
	public boolean awaitLeasesFree(Duration timeout) throws IOException, InterruptedException {
		return StartupRestore.awaitLeasesFree(this.database, replicas(), timeout);
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

	/**
	 * Takes the database's local lock, and so the right to replicate it on this host.
	 * @return whether it is held; false when another engine replicates the database
	 */
	boolean acquireLocalLock() throws IOException {
		Optional<LocalLock> lock = LocalLock.tryAcquire(this.database.options().metaPath(),
				LocalLock.Holder.thisProcess(this.instance, this.clock.instant()));
		if (lock.isEmpty()) {
			return false;
		}
		LocalLock held = lock.get();
		LeaseIdentity identity = new LeaseIdentity(this.instance, held.holder().host(), held.holder().pid(),
				this.database.options().path().toAbsolutePath().toString(), held.localId());
		for (LeaseKeeper keeper : this.keepers) {
			keeper.lease().identify(identity);
		}
		this.localLock = held;
		return true;
	}

	/** Gives the local lock up, after the database was closed. */
	void releaseLocalLock() {
		LocalLock held = this.localLock;
		this.localLock = null;
		if (held != null) {
			held.close();
		}
	}

	/**
	 * Takes each replica's lease once, before the threads start, so that the first sync
	 * (or an operator's) finds it held: the leases' threads go on from there. A store
	 * that does not answer within {@link #FIRST_LEASE_WAIT} delays the start no longer;
	 * its round goes on in the background, and the lease's thread waits for it.
	 * @throws ConditionalWritesIgnoredException when a store ignores conditional writes:
	 * nothing was written to it
	 */
	void takeLeases() {
		for (LeaseKeeper keeper : this.keepers) {
			keeper.firstRound(FIRST_LEASE_WAIT);
		}
	}

	/** Starts replicating; the local lock is held and the database open. */
	void start() {
		this.running = true;
		this.keepers.forEach(LeaseKeeper::start);
		this.monitor.start();
		this.workers.forEach(ReplicaWorker::start);
		this.verifications.values().forEach(ReplicaVerification::start);
	}

	/**
	 * Waits, on the thread {@code litestream-standby-<db>}, for the engine that
	 * replicates the database to stop, then takes its local lock and runs
	 * {@code takeOver} (which opens the database and starts replicating).
	 */
	void standBy(TakeOver takeOver) {
		this.running = true;
		String holder = localHolder().map(LocalLock.Holder::describe).orElse("a process that recorded nothing");
		logger.info("db={} standby: another engine replicates {} ({}); this one takes over when it stops",
				this.database.name(), this.database.options().path(), holder);
		this.standingBy = true;
		int[] failures = { 0 };
		this.standby.start(() -> {
			this.standbySignal
				.await((failures[0] == 0) ? STANDBY_POLL : UploadPacer.backoff(STANDBY_POLL, failures[0]));
			try {
				if (this.running && acquireLocalLock()) {
					logger.info("db={} the other engine stopped: this one replicates {} now", this.database.name(),
							this.database.options().path());
					takeOver.run(this);
					this.standingBy = false;
					return false;
				}
				failures[0] = 0;
			}
			catch (IOException | RuntimeException ex) {
				releaseLocalLock();
				if (failures[0]++ == 0) {
					logger.warn("db={} taking over replication failed, retrying: {}", this.database.name(),
							ex.getMessage());
				}
			}
			catch (Error ex) {
				// reported by the thread's guard; the next round tries again from the
				// start
				releaseLocalLock();
				throw ex;
			}
			return true;
		});
	}

	private boolean running() {
		return this.running;
	}

	/**
	 * Stops the threads, then copies and uploads what was committed until now, so a
	 * graceful shutdown loses nothing.
	 * @return whether every replica holds everything
	 */
	boolean stop(Deadline deadline) {
		this.running = false;
		this.standby.join(deadline.remaining());
		if (this.localLock == null) {
			// standby: another engine replicates the database and flushes it
			return true;
		}
		this.keepers.forEach((keeper) -> keeper.join(deadline.remaining()));
		for (LeaseKeeper keeper : this.keepers) {
			// A replica whose lease was not taken yet (stopped right after the start, or
			// the store did not answer) gets one more try, so that the final sync can
			// reach it; one that another instance holds is left to it.
			LeaseRole role = keeper.lease().role();
			if (keeper.refusal() == null && (role == LeaseRole.ACQUIRING || role == LeaseRole.LOST)) {
				try {
					keeper.lease().tick();
				}
				catch (RuntimeException ex) {
					logger.debug("db={} lease not taken for the final sync: {}", this.database.name(), ex.getMessage());
				}
			}
		}
		this.monitor.join(deadline.remaining());
		for (ReplicaWorker worker : this.workers) {
			worker.join(deadline.remaining());
		}
		for (ReplicaVerification verification : this.verifications.values()) {
			verification.join(deadline.remaining());
		}
		// On a thread of its own so that a store that does not answer cannot hold the
		// shutdown past its deadline (and the orchestrator's grace period, after which
		// the process is killed anyway, mid-upload).
		boolean[] complete = { false };
		Thread finalSync = new Thread(() -> complete[0] = finalSync(), "litestream-final-sync-" + this.database.name());
		finalSync.setDaemon(true);
		finalSync.start();
		Threads.join(finalSync, deadline.remaining());
		if (finalSync.isAlive()) {
			// Leases stay held (they expire after their TTL): released now, another
			// instance could take a replica over while this upload still writes it.
			logger.warn("db={} the final sync did not end within the shutdown timeout: replicas may miss the last "
					+ "changes (uploaded at the next start unless the disk is lost); their leases expire by "
					+ "themselves", this.database.name());
			return false;
		}
		// After the final syncs: a standby takes the replicas over with everything in
		// them.
		for (LeaseKeeper keeper : this.keepers) {
			keeper.lease().release();
		}
		return complete[0];
	}

	/** The last copy and every replica's last upload. */
	private boolean finalSync() {
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
			if (!replica.writable()) {
				logger.info("db={} replica={} no final sync: this instance does not hold its lease",
						this.database.name(), replica.name());
				continue;
			}
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

	/** Opens the database and starts its replication, once the local lock is held. */
	@FunctionalInterface
	interface TakeOver {

		void run(DatabaseReplication replication) throws IOException;

	}

	/** The current status. */
	public DatabaseStatus status() {
		List<ReplicaStatus> replicas = new ArrayList<>();
		for (ReplicaWorker worker : this.workers) {
			Replica replica = worker.replica();
			replicas.add(new ReplicaStatus(replica.name(), replica.client().type(), replica.client().location(),
					replica.position(), replica.lag(), replica.lastSyncAt(), replica.lastSnapshotAt(),
					LeaseStatuses.lastError(replica), LeaseStatuses.failures(worker), replica.storage(),
					LeaseStatuses.of(replica, this.keepers), this.verifications.containsKey(replica.name())
							? this.verifications.get(replica.name()).status() : null));
		}
		return new DatabaseStatus(this.database.name(), this.database.options().path(), this.database.position(),
				this.database.databaseSize(), this.database.walSize(), this.database.lastSyncAt(),
				this.database.lastCheckpointAt(), this.monitor.lastError(), List.copyOf(replicas), role(),
				localHolder().orElse(null), threads());
	}

	private List<ThreadStatus> threads() {
		List<ThreadStatus> threads = new ArrayList<>();
		if (this.standingBy) {
			threads.add(this.standby.status());
		}
		else if (this.localLock != null) {
			threads.add(this.monitor.threadStatus());
			this.workers.forEach((worker) -> threads.add(worker.threadStatus()));
			this.keepers.forEach((keeper) -> threads.add(keeper.threadStatus()));
			this.verifications.values().forEach((verification) -> threads.add(verification.threadStatus()));
		}
		return List.copyOf(threads);
	}

}
