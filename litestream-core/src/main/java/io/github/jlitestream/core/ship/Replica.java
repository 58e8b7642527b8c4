package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicaStorage;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.lease.FencedReplicaClient;
import io.github.jlitestream.core.lease.ReplicaLease;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships one database's shadow WAL and snapshots to one replica store, and enforces its
 * retention. The position is what the store durably holds; it is recomputed from the
 * store (and checked against the local shadow WAL) after a restart or a failure.
 * Thread-safe; the replica's thread normally drives it.
 *
 * @since 0.1.0
 */
public final class Replica {

	private static final Logger logger = LoggerFactory.getLogger(Replica.class);

	private final Database database;

	private final ReplicaClient client;

	private final ReplicaOptions options;

	private final ObjectCodec codec;

	/**
	 * Whether the store was checked for encrypted objects that this replica's codec would
	 * write plaintext beside.
	 */
	private boolean encryptionChecked;

	private final ReplicationListener listener;

	private final Clock clock;

	private final ReentrantLock lock = new ReentrantLock();

	private final Retention retention;

	private final ReplicaInventory inventory;

	/** The next segment, encoded ahead; guarded by the lock. */
	private final SegmentDrafts drafts;

	private final ReplicaUploads uploads;

	private final PositionResolver resolver;

	private final LeaseGate gate;

	private final ReplicaMaintenance maintenance;

	private final SegmentShipper shipper;

	private volatile @Nullable Position position;

	/** Whether the store holds a snapshot of the position's generation. */
	private volatile boolean snapshotted;

	/**
	 * Set after a failure: the position is recomputed from the store before the next
	 * upload.
	 */
	private boolean stale;

	/**
	 * Set when the local shadow WAL of the position's index is gone (released while this
	 * replica was behind, or lost with the local disk): the replica goes on from a new
	 * snapshot of the current index.
	 */
	private volatile boolean needsSnapshot;

	private volatile @Nullable Instant lastSyncAt;

	private volatile @Nullable Instant lastSnapshotAt;

	private volatile @Nullable String lastError;

	/** The first WAL index a verification keeps the shadow of; none by default. */
	private volatile long shadowHeldFrom = Long.MAX_VALUE;

	public Replica(Database database, ReplicaClient client, ReplicaOptions options, ObjectCodec codec,
			ReplicationListener listener, Clock clock) {
		this(database, client, options, codec, listener, clock, null);
	}

	/**
	 * A replica written only while this instance holds {@code lease}: every write and
	 * delete is fenced by it ({@link FencedReplicaClient}).
	 * @param lease the replica's lease, or null to write without one
	 */
	public Replica(Database database, ReplicaClient client, ReplicaOptions options, ObjectCodec codec,
			ReplicationListener listener, Clock clock, @Nullable ReplicaLease lease) {
		this.database = database;
		this.gate = new LeaseGate(lease, options.name());
		ReplicaClient written = (lease != null) ? new FencedReplicaClient(client, lease, options.name()) : client;
		this.client = new InstrumentedReplicaClient(written, database.name(), options.name(), listener);
		this.options = options;
		this.codec = codec;
		this.listener = listener;
		this.clock = clock;
		Path spoolDir = database.options().metaPath().resolve("tmp");
		this.retention = new Retention(this.client);
		this.inventory = new ReplicaInventory(this.client);
		this.drafts = new SegmentDrafts(database, codec, spoolDir, ReplicaUploads.SPOOL_MEMORY_LIMIT);
		this.uploads = new ReplicaUploads(database, this.client, codec, spoolDir, this.drafts, options.name());
		this.resolver = new PositionResolver(database, this.client, codec, options.name());
		this.maintenance = new ReplicaMaintenance(this, database, this.client, options, this.retention, this.lock,
				this.gate, listener, clock);
		this.shipper = new SegmentShipper(database, this.drafts, this.uploads, this.inventory, options.name());
	}

	/** The replica's name. */
	public String name() {
		return this.options.name();
	}

	/** Its options. */
	public ReplicaOptions options() {
		return this.options;
	}

	/** The pipeline of its objects. */
	public ObjectCodec codec() {
		return this.codec;
	}

	/** The store client (instrumented). */
	public ReplicaClient client() {
		return this.client;
	}

	/**
	 * What the store durably holds, or null when not known yet. Null too until the
	 * generation's first snapshot is in the store: before that nothing in it can be
	 * restored, however much WAL it holds.
	 */
	public @Nullable Position position() {
		return this.snapshotted ? this.position : null;
	}

	/**
	 * The lowest WAL index of {@code generation} whose local shadow WAL this replica
	 * still has to upload: its position's, or 0 while its position is unknown or in
	 * another generation (what the store holds is not known yet). A replica that writes a
	 * new snapshot first needs none below the current index.
	 */
	public long neededShadowIndex(Generation generation) {
		long held = this.shadowHeldFrom;
		if (this.gate.needsNoShadow(generation)) {
			return held;
		}
		Position at = this.position;
		if (this.needsSnapshot || (at != null && at.generation().equals(generation) && !this.snapshotted)) {
			return held;
		}
		return Math.min(held, (at != null && at.generation().equals(generation)) ? at.index() : 0);
	}

	/**
	 * Keeps the shadow WAL from {@code index} on, whatever the replica's position, until
	 * {@link #releaseShadowHold()}: a verification applies it after the state it
	 * restored.
	 * @param index the first WAL index kept
	 * @since 0.2.0
	 */
	public void holdShadowFrom(long index) {
		this.shadowHeldFrom = index;
	}

	/** Ends {@link #holdShadowFrom(long)}. */
	public void releaseShadowHold() {
		this.shadowHeldFrom = Long.MAX_VALUE;
	}

	/** The replica's lease, or null when it is written without one. */
	public @Nullable ReplicaLease lease() {
		return this.gate.lease();
	}

	/**
	 * Whether this instance may write the replica now: it holds its lease, or the replica
	 * has none.
	 */
	public boolean writable() {
		return this.gate.writable();
	}

	/**
	 * While another instance holds the lease: reads once per generation whether the store
	 * holds the database's current generation (a restored one that this instance may
	 * continue), so that a standby keeps its shadow WAL only then.
	 */
	public void watchAsStandby() throws IOException {
		this.gate.watchAsStandby(this.database, this.client);
	}

	/** When the last successful sync ended. */
	public @Nullable Instant lastSyncAt() {
		return this.lastSyncAt;
	}

	/** When this replica last wrote a snapshot (in this process). */
	public @Nullable Instant lastSnapshotAt() {
		return this.lastSnapshotAt;
	}

	/** The message of the last failure, cleared by the next success. */
	public @Nullable String lastError() {
		return this.lastError;
	}

	/**
	 * What the store holds, as of the last listing plus the uploads since; listed again
	 * at the first sync and after each retention check.
	 */
	public ReplicaStorage storage() {
		return this.inventory.storage();
	}

	/**
	 * Lists everything in the store to count what it holds (see
	 * {@link ReplicaInventory#reconcile}).
	 */
	void reconcile() throws IOException {
		Position current = this.database.position();
		this.inventory.reconcile((current != null) ? current.generation() : null);
	}

	/**
	 * Age of the oldest committed change that this replica does not hold yet; zero when
	 * caught up.
	 */
	public Duration lag() {
		Instant oldest = this.database.oldestCommitAfter(position());
		return (oldest != null) ? Duration.between(oldest, this.clock.instant()).abs() : Duration.ZERO;
	}

	/**
	 * Uploads everything the shadow WAL holds beyond the replica's position, writing the
	 * generation's first snapshot first when the store has none.
	 */
	public void sync() throws IOException {
		this.gate.requireWritable(this.client.location());
		long start = System.nanoTime();
		this.lock.lock();
		try {
			Position target = this.database.position();
			if (target == null) {
				return;
			}
			if (!this.encryptionChecked && !this.codec.encrypted()) {
				EncryptionCheck.requireUnencryptedReplica(this.client, name());
			}
			this.encryptionChecked = true;
			if (this.gate.takenSinceLastLook()) {
				this.stale = true;
				this.inventory.invalidate();
				this.gate.logTakeover(this.database, target.generation());
			}
			Position current = this.position;
			if (current == null || this.stale || !current.generation().equals(target.generation())) {
				try {
					current = resolvePosition(target.generation());
				}
				catch (ForeignWalException ex) {
					if (!this.gate.leased()) {
						throw ex;
					}
					// This instance holds the lease, so the writer of that WAL has
					// stopped:
					// this database goes on in a generation of its own.
					logger.warn("db={} replica={} {}; this database goes on in a new generation, and the other one "
							+ "stays restorable by id", this.database.name(), name(), ex.getMessage());
					this.database.startNewGeneration("replica '" + name() + "' holds WAL of generation "
							+ target.generation() + " that this database did not write");
					this.stale = true;
					return;
				}
				this.stale = false;
				this.position = current;
				if (!this.inventory.storage().reconciled()) {
					reconcile();
				}
			}
			if (current != null && current.generation().equals(target.generation()) && current.index() < target.index()
					&& this.database.shadowSize(current.generation(), current.index()) < 0) {
				logger.warn("db={} replica={} is at {} but the local shadow WAL of that index is gone: it goes on from "
						+ "a new snapshot of index {}", this.database.name(), name(), current, target.index());
				this.needsSnapshot = true;
			}
			if (current == null || !this.snapshotted || this.needsSnapshot) {
				writeSnapshotLocked(true);
			}
			ship();
			this.lastSyncAt = this.clock.instant();
			this.lastError = null;
			this.listener.onSync(this.database.name(), name(), Duration.ofNanos(System.nanoTime() - start), null);
		}
		catch (IOException | RuntimeException | Error ex) {
			// recompute from the store next time (also after an Error, which the
			// replica's thread survives); keep reporting the last known position
			this.stale = true;
			this.drafts.discard();
			this.lastError = ex.getMessage();
			this.listener.onSync(this.database.name(), name(), Duration.ofNanos(System.nanoTime() - start), ex);
			throw ex;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Writes a new snapshot now (see {@link ReplicaMaintenance#snapshot()}).
	 * @return whether a snapshot was written
	 */
	public boolean snapshot() throws IOException {
		return this.maintenance.snapshot();
	}

	/**
	 * Deletes what falls out of the retention window (see
	 * {@link ReplicaMaintenance#enforceRetention()}), for at most about a second.
	 * @return whether everything out of the window is gone; when not, call again after
	 * the next upload
	 */
	public boolean enforceRetention() throws IOException {
		return this.maintenance.enforceRetention();
	}

	/**
	 * Compacts or finishes at most one complete WAL index older than the compaction age
	 * (see {@link ReplicaMaintenance#compact()}).
	 * @return whether another call may find more to do
	 */
	public boolean compact() throws IOException {
		return this.maintenance.compact();
	}

	// --- position ----------------------------------------------------------------------

	/**
	 * Finds where the store's copy of {@code generation} ends (see
	 * {@link PositionResolver}).
	 */
	private @Nullable Position resolvePosition(Generation generation) throws IOException {
		List<SnapshotInfo> snapshots = this.client.snapshots(generation);
		this.snapshotted = !snapshots.isEmpty();
		PositionResolver.Resolved resolved = this.resolver.resolve(generation, snapshots);
		if (resolved.needsSnapshot() && this.gate.takenOverFromAnotherDirectory()) {
			// Nothing local to compare the other instance's WAL with: this database may
			// not
			// be its continuation.
			throw new ForeignWalException(
					"Replica '" + name() + "' holds WAL of generation " + generation + " up to " + resolved.position()
							+ " written by another instance, and the local shadow WAL " + "to compare it with is gone");
		}
		if (resolved.needsSnapshot()) {
			this.needsSnapshot = true;
		}
		return resolved.position();
	}

	// --- upload ------------------------------------------------------------------------

	/**
	 * Uploads segments from the position to where the shadow WAL ends now (see
	 * {@link SegmentShipper#ship}), moving the position after each.
	 */
	private void ship() throws IOException {
		this.shipper.ship(this.position, this.database.position(), (shipped) -> this.position = shipped);
	}

	/**
	 * Encodes what the shadow WAL holds beyond the position into the next segment, ahead
	 * of its upload; called by the replica's thread while it waits for the sync interval.
	 * Does nothing while an upload or snapshot runs, or while the position is unknown.
	 */
	public void prepare() {
		if (!this.lock.tryLock()) {
			return;
		}
		try {
			if (this.stale || !this.snapshotted) {
				this.drafts.discard();
				return;
			}
			this.shipper.prepare(this.position, this.database.position());
		}
		catch (IOException | RuntimeException ex) {
			// the upload encodes everything itself and reports what fails
			logger.debug("db={} replica={} encoding ahead failed: {}", this.database.name(), name(), ex.getMessage());
			this.drafts.discard();
		}
		catch (Error ex) {
			// reported by the replica thread's guard
			this.drafts.discard();
			throw ex;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The shadow WAL offset up to which the next segment is encoded ahead, or -1 (for
	 * tests).
	 */
	long preparedUpTo() {
		this.lock.lock();
		try {
			return this.drafts.preparedUpTo();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Writes a snapshot of the database file at the current WAL index. The file is frozen
	 * at the snapshot's position ({@link Database#readSnapshot}), so the snapshot
	 * restores on its own. A generation's first snapshot (or one that starts the replica
	 * again at the current index) goes first: until it is in the store nothing of the
	 * generation is, and a restore (this project's or Litestream's) picks the previous
	 * generation's newest state instead of refusing a generation it cannot restore. A
	 * later snapshot goes after the WAL up to its position, so that what is committed
	 * reaches the store as early as possible.
	 * @param first whether the replica starts at the snapshot's index
	 */
	void writeSnapshotLocked(boolean first) throws IOException {
		long start = System.nanoTime();
		try {
			SnapshotInfo written = this.database.readSnapshot((position, databaseFile) -> {
				Position current = this.position;
				if (first) {
					// Segments of the snapshot's index already in the store (checked
					// against the local shadow WAL when the position was resolved) are
					// kept; otherwise the index is uploaded from its start.
					if (current == null || !current.generation().equals(position.generation())
							|| current.index() != position.index() || this.needsSnapshot) {
						this.position = new Position(position.generation(), position.index(), 0);
					}
				}
				else {
					ship();
				}
				return this.uploads.snapshot(position, databaseFile);
			});
			this.lastSnapshotAt = this.clock.instant();
			this.snapshotted = true;
			this.needsSnapshot = false;
			this.inventory.added(written);
			logger.info("db={} replica={} snapshot generation={} index={} bytes={}", this.database.name(), name(),
					written.generation(), written.index(), written.size());
			this.listener.onSnapshot(this.database.name(), name(), written.size(),
					Duration.ofNanos(System.nanoTime() - start), null);
		}
		catch (IOException | RuntimeException | Error ex) {
			this.listener.onSnapshot(this.database.name(), name(), 0, Duration.ofNanos(System.nanoTime() - start), ex);
			throw ex;
		}
	}

}
