package io.github.jlitestream.core;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.lease.LeaseRole;
import io.github.jlitestream.core.lease.ReplicaLease;
import io.github.jlitestream.core.ship.Replica;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread {@code litestream-replica-<db>-<replica>}: uploads for one replica when the
 * database signals a change, paced by its {@link UploadPacer}, writes scheduled snapshots
 * and enforces retention.
 */
final class ReplicaWorker {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseReplication.class);

	private final Replica replica;

	private final Database database;

	private final Clock clock;

	private final UploadPacer pacer;

	private final BooleanSupplier running;

	private final AfterSync afterSync;

	/** The WAL tail below which no snapshot is written for its size: 1 MiB. */
	static final long MIN_ADAPTIVE_TAIL = 1 << 20;

	private final Signal signal = new Signal();

	private volatile int failures;

	private final EngineThread thread;

	private boolean first = true;

	private Instant lastUpload = Instant.EPOCH;

	private @Nullable Instant nextSnapshot;

	private @Nullable Instant nextRetention;

	private @Nullable Instant nextCompaction;

	/**
	 * Prepares the thread of {@code replica}; {@link #start()} starts it.
	 * @param running whether replication still runs; the thread ends when it does not
	 * @param afterSync local housekeeping after each successful sync (releasing shadow
	 * WAL files)
	 */
	ReplicaWorker(Replica replica, Database database, Clock clock, BooleanSupplier running, AfterSync afterSync,
			ReplicationListener listener) {
		this.replica = replica;
		this.database = database;
		this.clock = clock;
		this.pacer = new UploadPacer(replica.options().syncInterval());
		this.running = running;
		this.afterSync = afterSync;
		this.thread = new EngineThread("litestream-replica-" + database.name() + "-" + replica.name(), database.name(),
				listener, running, this.signal);
	}

	ThreadStatus threadStatus() {
		return this.thread.status();
	}

	Replica replica() {
		return this.replica;
	}

	/** Failed syncs in the current streak. */
	int failures() {
		return this.failures;
	}

	/**
	 * Wakes the thread: the shadow WAL or the generation changed, or replication stops.
	 */
	void wake() {
		this.signal.raise();
	}

	void start() {
		ReplicaOptions options = this.replica.options();
		Instant now = this.clock.instant();
		this.nextSnapshot = options.snapshotInterval().isZero() ? null : now.plus(options.snapshotInterval());
		this.nextRetention = options.retention().isZero() ? null : now.plus(options.retentionCheckInterval());
		this.nextCompaction = options.compactionAge().isZero() ? null : now;
		this.thread.start(this::round);
	}

	void join(Duration timeout) {
		this.thread.join(timeout);
	}

	/** Waits for a change and the sync interval (at once the first time), then syncs. */
	private boolean round() {
		if (!this.first) {
			Duration wait = this.pacer.waitForChange(this.failures);
			if (this.pacer.waitsOutBackoff(this.failures)) {
				awaitBackoff(wait);
			}
			else {
				this.signal.await(wait);
			}
			if (!this.running.getAsBoolean()) {
				return false;
			}
			Duration sinceUpload = Duration.between(this.lastUpload, this.clock.instant());
			Duration beforeUpload = this.pacer.waitBeforeUpload(sinceUpload, this.failures);
			if (!beforeUpload.isZero()) {
				awaitNextUpload(beforeUpload);
				if (!this.running.getAsBoolean()) {
					return false;
				}
			}
		}
		this.first = false;
		runOnce();
		return true;
	}

	private void awaitBackoff(Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		long left;
		while (this.running.getAsBoolean() && (left = deadline - System.nanoTime()) > 0) {
			this.signal.await(Duration.ofNanos(left));
		}
	}

	/**
	 * Waits this long, encoding the next segment ahead each time the monitor copies
	 * commits.
	 */
	private void awaitNextUpload(Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		while (this.running.getAsBoolean()) {
			this.replica.prepare();
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return;
			}
			this.signal.await(Duration.ofNanos(left));
		}
	}

	private void runOnce() {
		if (!this.replica.writable()) {
			// another instance writes the replica, or the lease is not held yet: the
			// lease's thread wakes this one when that changes
			standBy();
			return;
		}
		try {
			Position before = this.replica.position();
			// Stamped when the upload starts, so that under load uploads start once per
			// interval, not once per interval plus the upload's own time.
			Instant started = this.clock.instant();
			copyNow();
			this.replica.sync();
			if (before == null || !before.equals(this.replica.position())) {
				this.lastUpload = started;
			}
			if (this.failures > 0) {
				logger.info("db={} replica={} recovered after {} failed syncs", this.database.name(),
						this.replica.name(), this.failures);
				this.failures = 0;
			}
			Instant now = this.clock.instant();
			if ((this.nextSnapshot != null && !now.isBefore(this.nextSnapshot)) || tailOutgrewSnapshot(now)) {
				this.replica.snapshot();
				if (this.nextSnapshot != null) {
					this.nextSnapshot = now.plus(this.replica.options().snapshotInterval());
				}
			}
			if (this.nextRetention != null && !now.isBefore(this.nextRetention)) {
				// a retention with more to delete than a slice goes on after the next
				// upload
				boolean finished = this.replica.enforceRetention();
				this.nextRetention = finished ? now.plus(this.replica.options().retentionCheckInterval()) : now;
			}
			compact(now);
			this.afterSync.run();
		}
		catch (IOException | RuntimeException ex) {
			if (this.failures++ == 0) {
				logger.warn("db={} replica={} sync failed, retrying with backoff: {}", this.database.name(),
						this.replica.name(), ex.getMessage());
			}
		}
	}

	/**
	 * Compacts one WAL index when due, again at the next round while there is more to do,
	 * else after a tenth of the compaction age (at least a sync interval). A failure is
	 * logged, not counted as a failed sync: what is committed still reaches the store.
	 */
	private void compact(Instant now) {
		if (this.nextCompaction == null || now.isBefore(this.nextCompaction)) {
			return;
		}
		ReplicaOptions options = this.replica.options();
		Duration pause = options.compactionAge().dividedBy(10);
		if (pause.compareTo(options.syncInterval()) < 0) {
			pause = options.syncInterval();
		}
		try {
			this.nextCompaction = this.replica.compact() ? now : now.plus(pause);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("db={} replica={} compaction failed, retried in {}: {}", this.database.name(),
					this.replica.name(), pause, ex.getMessage());
			this.nextCompaction = now.plus(pause);
		}
	}

	/**
	 * Whether the WAL a restore of the latest state downloads after the newest snapshot
	 * has outgrown the ratio of that snapshot's size: then a new snapshot keeps restores
	 * short however long the service runs. At most once per ten sync intervals.
	 */
	private boolean tailOutgrewSnapshot(Instant now) {
		double ratio = this.replica.options().snapshotWalRatio();
		ReplicaStorage storage = this.replica.storage();
		if (ratio <= 0 || !storage.reconciled() || storage.latestSnapshotBytes() <= 0
				|| storage.tailBytes() <= Math.max(ratio * storage.latestSnapshotBytes(), MIN_ADAPTIVE_TAIL)) {
			return false;
		}
		Instant latest = storage.latestSnapshotAt();
		Duration gap = this.replica.options().syncInterval().multipliedBy(10);
		if (latest != null && now.isBefore(latest.plus(gap))) {
			return false;
		}
		logger.info(
				"db={} replica={} snapshot: the {} bytes of WAL a restore would replay exceed {} times the "
						+ "newest snapshot's {} bytes",
				this.database.name(), this.replica.name(), storage.tailBytes(), ratio, storage.latestSnapshotBytes());
		return true;
	}

	/**
	 * Releases the shadow WAL a standby replica does not need (see
	 * {@link Replica#watchAsStandby()}).
	 */
	private void standBy() {
		ReplicaLease lease = this.replica.lease();
		if (lease == null || lease.role() != LeaseRole.STANDBY) {
			return;
		}
		try {
			this.replica.watchAsStandby();
			this.afterSync.run();
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("db={} replica={} standby housekeeping failed: {}", this.database.name(), this.replica.name(),
					ex.getMessage());
		}
	}

	/**
	 * Copies the WAL before uploading, so the upload carries every commit until now
	 * rather than until the monitor's last copy (up to the copy gap older).
	 */
	private void copyNow() {
		try {
			this.database.copyNow();
		}
		catch (RuntimeException ex) {
			// the monitor copies again, and reports and handles what failed
			logger.debug("db={} copy before upload failed: {}", this.database.name(), ex.getMessage());
		}
	}

	/** Local housekeeping after a replica's successful sync. */
	@FunctionalInterface
	interface AfterSync {

		void run() throws IOException;

	}

}
