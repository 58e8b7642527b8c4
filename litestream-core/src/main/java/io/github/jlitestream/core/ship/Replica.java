package io.github.jlitestream.core.ship;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.ObjectContent;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicaClient;
import io.github.jlitestream.core.ReplicaOptions;
import io.github.jlitestream.core.ReplicaStorage;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.SnapshotInfo;
import io.github.jlitestream.core.WalSegmentInfo;
import io.github.jlitestream.core.capture.Database;
import io.github.jlitestream.core.codec.ObjectCodec;
import io.github.jlitestream.core.codec.Spool;
import io.github.jlitestream.core.layout.ReplicaPaths;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships one database's shadow WAL and snapshots to one replica store, and enforces its retention. The position is
 * what the store durably holds; it is recomputed from the store (and checked against the local shadow WAL) after a
 * restart or a failure. Thread-safe; the replica's thread normally drives it.
 *
 * @since 0.1.0
 */
public final class Replica {

	private static final Logger logger = LoggerFactory.getLogger(Replica.class);

	/** Encoded objects up to this size are held in memory before upload; larger ones are spooled to disk. */
	private static final int SPOOL_MEMORY_LIMIT = 8 * 1024 * 1024;

	/**
	 * Commits are encoded ahead once this much has come in: the LZ4 frame compresses blocks of this size, and
	 * smaller steps would only cost more file reads.
	 */
	private static final long PREPARE_MIN_BYTES = 256 * 1024;

	private final Database database;

	private final ReplicaClient client;

	private final ReplicaOptions options;

	private final ObjectCodec codec;

	private final ReplicationListener listener;

	private final Clock clock;

	private final Path spoolDir;

	private final ReentrantLock lock = new ReentrantLock();

	private final Retention retention;

	private volatile @Nullable Position position;

	/** Whether the store holds a snapshot of the position's generation. */
	private volatile boolean snapshotted;

	/** Set after a failure: the position is recomputed from the store before the next upload. */
	private boolean stale;

	/**
	 * Set when the local shadow WAL of the position's index is gone (released while this replica was behind, or
	 * lost with the local disk): the replica goes on from a new snapshot of the current index.
	 */
	private volatile boolean needsSnapshot;

	/** The next segment, encoded ahead; guarded by the lock. */
	private @Nullable SegmentDraft draft;

	private volatile @Nullable Instant lastSyncAt;

	private volatile @Nullable Instant lastSnapshotAt;

	private volatile @Nullable String lastError;

	/** What the store holds, from the last listing plus uploads since. */
	private volatile ReplicaStorage storage = ReplicaStorage.UNKNOWN;

	public Replica(Database database, ReplicaClient client, ReplicaOptions options, ObjectCodec codec,
			ReplicationListener listener, Clock clock) {
		this.database = database;
		this.client = new InstrumentedReplicaClient(client, database.name(), options.name(), listener);
		this.options = options;
		this.codec = codec;
		this.listener = listener;
		this.clock = clock;
		this.spoolDir = database.options().metaPath().resolve("tmp");
		this.retention = new Retention(this.client);
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
	 * What the store durably holds, or null when not known yet. Null too until the generation's first snapshot is
	 * in the store: before that nothing in it can be restored, however much WAL it holds.
	 */
	public @Nullable Position position() {
		return this.snapshotted ? this.position : null;
	}

	/**
	 * The lowest WAL index of {@code generation} whose local shadow WAL this replica still has to upload: its
	 * position's, or 0 while its position is unknown or in another generation (what the store holds is not known
	 * yet). A replica that writes a new snapshot first needs none below the current index.
	 */
	public long neededShadowIndex(Generation generation) {
		Position at = this.position;
		if (this.needsSnapshot || (at != null && at.generation().equals(generation) && !this.snapshotted)) {
			return Long.MAX_VALUE;
		}
		return (at != null && at.generation().equals(generation)) ? at.index() : 0;
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

	/** What the store holds, as of the last listing plus the uploads since; updated by {@link #reconcile()}. */
	public ReplicaStorage storage() {
		return this.storage;
	}

	/**
	 * Lists everything in the store to count what it holds and when its restorable window starts. Runs at the
	 * first sync and after each retention check; uploads keep the numbers current in between.
	 */
	public ReplicaStorage reconcile() throws IOException {
		long bytes = 0;
		long objects = 0;
		Instant earliest = null;
		Instant newest = null;
		Instant currentSnapshot = null;
		Position current = this.database.position();
		for (Generation generation : this.client.generations()) {
			for (SnapshotInfo snapshot : this.client.snapshots(generation)) {
				bytes += snapshot.size();
				objects++;
				earliest = earliest(earliest, snapshot.createdAt());
				newest = latest(newest, snapshot.createdAt());
				if (current != null && generation.equals(current.generation())) {
					currentSnapshot = latest(currentSnapshot, snapshot.createdAt());
				}
			}
			for (WalSegmentInfo segment : this.client.walSegments(generation)) {
				bytes += segment.size();
				objects++;
				newest = latest(newest, segment.createdAt());
			}
		}
		ReplicaStorage reconciled = new ReplicaStorage(bytes, objects, earliest, newest, currentSnapshot, true);
		this.storage = reconciled;
		return reconciled;
	}

	private static @Nullable Instant earliest(@Nullable Instant a, Instant b) {
		return (a == null || b.isBefore(a)) ? b : a;
	}

	private static @Nullable Instant latest(@Nullable Instant a, Instant b) {
		return (a == null || b.isAfter(a)) ? b : a;
	}

	/** Age of the oldest committed change that this replica does not hold yet; zero when caught up. */
	public Duration lag() {
		Instant oldest = this.database.oldestCommitAfter(position());
		return (oldest != null) ? Duration.between(oldest, this.clock.instant()).abs() : Duration.ZERO;
	}

	/**
	 * Uploads everything the shadow WAL holds beyond the replica's position, writing the generation's first
	 * snapshot first when the store has none.
	 */
	public void sync() throws IOException {
		long start = System.nanoTime();
		this.lock.lock();
		try {
			Position target = this.database.position();
			if (target == null) {
				return;
			}
			Position current = this.position;
			if (current == null || this.stale || !current.generation().equals(target.generation())) {
				current = resolvePosition(target.generation());
				this.stale = false;
				this.position = current;
				if (!this.storage.reconciled()) {
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
		catch (IOException | RuntimeException ex) {
			this.stale = true; // recompute from the store next time; keep reporting the last known position
			discardDraft();
			this.lastError = ex.getMessage();
			this.listener.onSync(this.database.name(), name(), Duration.ofNanos(System.nanoTime() - start), ex);
			throw ex;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Writes a new snapshot. The database first moves to a new WAL index, so that an earlier snapshot is never
	 * overwritten; when readers keep it from moving and this index has a snapshot already, nothing is written.
	 * @return whether a snapshot was written
	 */
	public boolean snapshot() throws IOException {
		this.lock.lock();
		try {
			sync();
			Position before = this.database.position();
			if (before == null) {
				return false;
			}
			this.database.checkpoint(CheckpointMode.RESTART);
			Position now = this.database.position();
			if (now != null && now.generation().equals(before.generation()) && now.index() == before.index()
					&& hasSnapshot(now.generation(), now.index())) {
				logger.warn("db={} replica={} snapshot postponed: readers kept the WAL from moving to a new index, "
						+ "and index {} has a snapshot already", this.database.name(), name(), now.index());
				return false;
			}
			sync();
			writeSnapshotLocked(false);
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Deletes what falls out of the retention window, keeping everything a restore inside it needs. */
	public void enforceRetention() throws IOException {
		if (this.options.retention().isZero()) {
			return;
		}
		this.lock.lock();
		try {
			Position current = this.database.position();
			Instant horizon = this.clock.instant().minus(this.options.retention());
			if (current != null && !this.retention.hasSnapshotSince(current.generation(), horizon)) {
				snapshot();
			}
			Retention.Deleted deleted = this.retention.enforce((current != null) ? current.generation() : null,
					horizon);
			report("generation", deleted.generations());
			report("snapshot", deleted.snapshots());
			report("wal", deleted.segments());
			reconcile();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void report(String kind, int count) {
		if (count > 0) {
			this.listener.onRetentionDeleted(this.database.name(), name(), kind, count);
		}
	}

	// --- position ----------------------------------------------------------------------------------------------

	/**
	 * Finds where the store's copy of {@code generation} ends, and checks that it is this database's history:
	 * the last segment must equal the local shadow WAL at the same place.
	 */
	private @Nullable Position resolvePosition(Generation generation) throws IOException {
		List<SnapshotInfo> snapshots = this.client.snapshots(generation);
		this.snapshotted = !snapshots.isEmpty();
		List<WalSegmentInfo> segments = this.client.walSegments(generation);
		if (segments.isEmpty()) {
			long index = snapshots.stream().mapToLong(SnapshotInfo::index).max().orElse(-1);
			return (index >= 0) ? new Position(generation, index, 0) : null;
		}
		WalSegmentInfo last = segments.stream().max(WalSegmentInfo.BY_POSITION).get();
		long snapshotIndex = snapshots.stream().mapToLong(SnapshotInfo::index).max().orElse(-1);
		if (snapshotIndex > last.index() && this.database.shadowSize(generation, snapshotIndex) >= 0) {
			// A snapshot that started the replica again at its index (its shadow WAL of the index before was gone),
			// whose first segment did not reach the store: the replica goes on from the snapshot's index.
			Position resumed = new Position(generation, snapshotIndex, 0);
			logger.info("db={} replica={} resumes at position={} (after its snapshot)", this.database.name(), name(),
					resumed);
			return resumed;
		}
		byte[] content;
		try (InputStream in = this.codec.decode(
				this.client.openWalSegment(generation, last.index(), last.offset(), last.compression()),
				ReplicaPaths.key(last))) {
			content = in.readAllBytes();
		}
		Position end = new Position(generation, last.index(), last.offset() + content.length);
		long local = this.database.shadowSize(generation, last.index());
		Position database = this.database.position();
		if (local < 0 && database != null && database.generation().equals(generation)
				&& last.index() < database.index()) {
			// Released while this replica was behind (or lost with the disk): nothing to compare the store with, and
			// nothing to upload from; a new snapshot of the current index continues the replica.
			logger.warn("db={} replica={} holds {} but the local shadow WAL of index {} is gone: it goes on from a "
					+ "new snapshot", this.database.name(), name(), end, last.index());
			this.needsSnapshot = true;
			return end;
		}
		if (local < end.offset() || !Arrays.equals(content, readShadow(generation, last.index(), last.offset(),
				content.length))) {
			throw new LitestreamException("Replica '" + name() + "' at " + this.client.location()
					+ " holds WAL up to " + end + " that this database did not write (local shadow WAL has "
					+ local + " bytes of that index): another process may be replicating to the same place");
		}
		logger.info("db={} replica={} resumes at position={}", this.database.name(), name(), end);
		return end;
	}

	private byte[] readShadow(Generation generation, long index, long offset, int length) throws IOException {
		try (InputStream in = this.database.openShadow(generation, index, offset, length)) {
			return in.readAllBytes();
		}
	}

	private boolean hasSnapshot(Generation generation, long index) throws IOException {
		return this.client.snapshots(generation).stream().anyMatch((snapshot) -> snapshot.index() == index);
	}

	// --- upload ------------------------------------------------------------------------------------------------

	/**
	 * Uploads segments from the position to where the shadow WAL ends now, one per WAL index. Commits that arrive
	 * meanwhile wait for the next sync: chasing them would turn a busy database into a stream of small uploads.
	 */
	private void ship() throws IOException {
		Position end = this.database.position();
		while (true) {
			Position current = this.position;
			if (current == null || end == null || !end.generation().equals(current.generation())) {
				return;
			}
			long size = (current.index() == end.index()) ? end.offset()
					: this.database.shadowSize(current.generation(), current.index());
			if (size < 0) {
				throw new LitestreamException("Replica '" + name() + "' is at " + current
						+ " but the local shadow WAL of that index is gone; a new snapshot is needed");
			}
			if (current.offset() > size) {
				throw new LitestreamException("Replica '" + name() + "' is at " + current
						+ ", beyond the local shadow WAL (" + size + " bytes)");
			}
			if (current.offset() < size) {
				uploadSegment(current, size - current.offset());
				this.position = current.withOffset(size);
			}
			else if (current.index() < end.index()) {
				this.position = new Position(current.generation(), current.index() + 1, 0);
			}
			else {
				return;
			}
		}
	}

	private void uploadSegment(Position at, long length) throws IOException {
		long started = System.nanoTime();
		SegmentDraft draft = draftAt(at, at.offset() + length);
		this.draft = null;
		try {
			long ahead = draft.end() - at.offset();
			draft.extend(this.database, at.offset() + length);
			ObjectContent content = draft.finish();
			long encoded = System.nanoTime();
			WalSegmentInfo written = this.client.writeWalSegment(at.generation(), at.index(), at.offset(),
					this.codec.compression(), content);
			this.storage = this.storage.added(written.size(), written.createdAt(), false);
			logger.debug("db={} replica={} uploaded segment={} bytes={} ({} encoded ahead; rest encoded in {} us, "
					+ "written in {} us)", this.database.name(), name(), draft.key(), length, ahead,
					(encoded - started) / 1000, (System.nanoTime() - encoded) / 1000);
		}
		finally {
			draft.discard();
		}
	}

	/**
	 * Encodes what the shadow WAL holds beyond the position into the next segment, ahead of its upload; called by
	 * the replica's thread while it waits for the sync interval. Does nothing while an upload or snapshot runs, or
	 * while the position is unknown.
	 */
	public void prepare() {
		if (!this.lock.tryLock()) {
			return;
		}
		try {
			Position current = this.position;
			Position end = this.database.position();
			if (current == null || this.stale || !this.snapshotted || end == null
					|| !end.generation().equals(current.generation())) {
				discardDraft();
				return;
			}
			long size = (current.index() == end.index()) ? end.offset()
					: this.database.shadowSize(current.generation(), current.index());
			SegmentDraft existing = this.draft;
			long encoded = (existing != null && existing.start().equals(current)) ? existing.end() : current.offset();
			if (size - encoded < PREPARE_MIN_BYTES) {
				return;
			}
			draftAt(current, size).extend(this.database, size);
		}
		catch (IOException | RuntimeException ex) {
			// the upload encodes everything itself and reports what fails
			logger.debug("db={} replica={} encoding ahead failed: {}", this.database.name(), name(), ex.getMessage());
			discardDraft();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The shadow WAL offset up to which the next segment is encoded ahead, or -1 (for tests). */
	long preparedUpTo() {
		this.lock.lock();
		try {
			return (this.draft != null) ? this.draft.end() : -1;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The draft of the segment that starts at {@code start} and ends at or before {@code limit}: the one encoded
	 * ahead when it fits, else a new one.
	 */
	private SegmentDraft draftAt(Position start, long limit) throws IOException {
		SegmentDraft existing = this.draft;
		if (existing != null && existing.start().equals(start) && existing.end() <= limit) {
			return existing;
		}
		discardDraft();
		this.draft = new SegmentDraft(start, this.codec, this.spoolDir, SPOOL_MEMORY_LIMIT);
		return this.draft;
	}

	private void discardDraft() {
		SegmentDraft draft = this.draft;
		this.draft = null;
		if (draft != null) {
			draft.discard();
		}
	}

	/**
	 * Writes a snapshot of the database file at the current WAL index. The file is frozen at the snapshot's
	 * position ({@link Database#readSnapshot}), so the snapshot restores on its own. A generation's first snapshot
	 * (or one that starts the replica again at the current index) goes first: until it is in the store nothing of
	 * the generation is, and a restore (this project's or Litestream's) picks the previous generation's newest state
	 * instead of refusing a generation it cannot restore. A later snapshot goes after the WAL up to its position, so
	 * that what is committed reaches the store as early as possible.
	 * @param first whether the replica starts at the snapshot's index
	 */
	private void writeSnapshotLocked(boolean first) throws IOException {
		long start = System.nanoTime();
		try {
			SnapshotInfo written = this.database.readSnapshot((position, databaseFile) -> {
				Position current = this.position;
				if (first) {
					// Segments of the snapshot's index already in the store (checked against the local shadow WAL when
					// the position was resolved) are kept; otherwise the index is uploaded from its start.
					if (current == null || !current.generation().equals(position.generation())
							|| current.index() != position.index() || this.needsSnapshot) {
						this.position = new Position(position.generation(), position.index(), 0);
					}
				}
				else {
					ship();
				}
				String key = ReplicaPaths.snapshotKey(position.generation(), position.index(),
						this.codec.compression());
				Spool spool = new Spool(this.spoolDir, SPOOL_MEMORY_LIMIT);
				try {
					try (OutputStream out = this.codec.encode(spool, key)) {
						databaseFile.transferTo(out);
					}
					return this.client.writeSnapshot(position.generation(), position.index(),
							this.codec.compression(), spool.content());
				}
				finally {
					spool.discard();
				}
			});
			this.lastSnapshotAt = this.clock.instant();
			this.snapshotted = true;
			this.needsSnapshot = false;
			this.storage = this.storage.added(written.size(), written.createdAt(), true);
			logger.info("db={} replica={} snapshot generation={} index={} bytes={}", this.database.name(), name(),
					written.generation(), written.index(), written.size());
			this.listener.onSnapshot(this.database.name(), name(), written.size(),
					Duration.ofNanos(System.nanoTime() - start), null);
		}
		catch (IOException | RuntimeException ex) {
			this.listener.onSnapshot(this.database.name(), name(), 0, Duration.ofNanos(System.nanoTime() - start), ex);
			throw ex;
		}
	}

}
