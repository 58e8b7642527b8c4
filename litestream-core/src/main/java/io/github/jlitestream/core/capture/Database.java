package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.util.SqliteFiles;
import io.github.jlitestream.core.wal.ShadowWal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SQLite database under replication: holds the long-running read transaction, copies
 * committed WAL frames into the shadow WAL, starts generations when continuity is lost,
 * and checkpoints. Replicas read the shadow WAL through it. Thread-safe; {@link #sync()}
 * is normally called by the database's monitor thread.
 * <p>
 * It holds the locks, the connections and the open and close; {@link WalCopier} copies
 * and judges continuity, {@link ReadMark} keeps the read transaction that the judgement
 * rests on, {@link Checkpointer} checkpoints.
 *
 * @since 0.1.0
 */
public final class Database implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Database.class);

	private final String name;

	private final DatabaseOptions options;

	private final Clock clock;

	private final Path walPath;

	private final LocalState local;

	private final CaptureLock lock = new CaptureLock();

	private final CommitLog commits = new CommitLog();

	private final WalCopier copier;

	private final ReadMark mark;

	private final Checkpointer checkpointer;

	private final SnapshotFreeze freeze;

	private @Nullable EngineConnections connections;

	private DatabaseFiles.@Nullable Handle file;

	/**
	 * Set by {@link #quiesce()}: the last frames are copied and the clean shutdown is
	 * recorded.
	 */
	private boolean quiesced;

	private volatile @Nullable Instant lastSyncAt;

	public Database(String name, DatabaseOptions options, ReplicationListener listener, Clock clock) {
		this.name = name;
		this.options = options;
		this.clock = clock;
		this.walPath = SqliteFiles.walPath(options.path());
		this.local = new LocalState(options.metaPath());
		this.copier = new WalCopier(name, options, listener, this.local, this.commits, clock.instant());
		this.mark = this.copier.mark();
		this.checkpointer = new Checkpointer(name, options, listener, clock, this.copier);
		this.freeze = new SnapshotFreeze(name, clock, this.lock, this.checkpointer, this.mark, this::requireConnections,
				this::requireFile, this::requirePosition);
	}

	/** The logical name, used in logs and metrics. */
	public String name() {
		return this.name;
	}

	/** The options it runs with. */
	public DatabaseOptions options() {
		return this.options;
	}

	/**
	 * Opens the database for replication: switches it to WAL mode, takes the read
	 * transaction and checks whether the local generation continues where the WAL stands.
	 */
	public void open() {
		open(null);
	}

	/**
	 * Opens the database again after it was deleted or replaced under the engine. Unlike
	 * {@link #open()} it never creates the file (an empty database the engine made itself
	 * would be replicated as the newest state, while the application may still write to
	 * the deleted file), and a replaced file always starts a new generation: even when a
	 * WAL left beside it matches the shadow WAL, it belonged to the file that was
	 * replaced.
	 * @param reason why the database is reopened, the new generation's reason
	 */
	public void reopen(String reason) {
		open(reason);
	}

	/**
	 * Refuses to let go of a replaced (or deleted) database file while its {@code -wal}
	 * or {@code -shm} is still beside the database path: SQLite would read the new file
	 * with them. Called while the engine still holds the replaced file's connections, so
	 * that a file found there with the same identity is that file, not a new one reusing
	 * its inode number.
	 */
	public void requireReplacementOpenable() {
		try {
			this.copier.requireNoCompanionsOfReplacedFile();
		}
		catch (IOException ex) {
			throw new LitestreamException(
					"Cannot read the files beside " + this.options.path() + ": " + ex.getMessage(), ex);
		}
	}

	private void open(@Nullable String reopenReason) {
		Path path = this.options.path();
		DatabaseFiles.requireReplicable(path, reopenReason != null);
		this.lock.lock();
		try {
			this.connections = EngineConnections.open(path, this.options.busyTimeout(), reopenReason == null);
			this.file = DatabaseFiles.open(path);
			this.copier.expectFile(DatabaseFiles.fileKey(path));
			this.mark.begin(this.connections);
			this.quiesced = false;
			this.local.removeSpools();
			this.copier.resumeGeneration(requireFile());
			if (reopenReason != null) {
				this.copier.startGenerationAtNextCopy(reopenReason);
			}
		}
		catch (IOException | SQLException ex) {
			closeConnections();
			throw new LitestreamException("Cannot open " + path + " for replication: " + ex.getMessage(), ex);
		}
		catch (RuntimeException ex) {
			closeConnections();
			throw ex;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Starts a new generation at the next copy: the replicas hold a history of the
	 * current one that this database did not write.
	 * @param reason the new generation's reason
	 */
	public void startNewGeneration(String reason) {
		this.lock.lock();
		try {
			this.copier.startGenerationAtNextCopy(reason);
		}
		finally {
			this.lock.unlock();
		}
		this.lock.changed();
	}

	/**
	 * Adds a callback run after each sync that changed the shadow WAL or the generation.
	 */
	public void onChange(Runnable callback) {
		this.lock.onChange(callback);
	}

	/**
	 * Copies newly committed WAL frames into the shadow WAL, starting a new generation or
	 * WAL index when needed, then checkpoints when the WAL has grown past a threshold or
	 * the database is idle.
	 * @return whether the shadow WAL or the generation changed
	 */
	public boolean sync() {
		return copy(true);
	}

	/**
	 * Copies newly committed WAL frames into the shadow WAL now, without checkpointing:
	 * an upload that starts next then carries every commit made until now, not only those
	 * the monitor has copied.
	 */
	public void copyNow() {
		copy(false);
	}

	private boolean copy(boolean thenCheckpoint) {
		Instant noticedAt = this.clock.instant();
		return changeLocked("Sync of database '", (sql) -> {
			boolean changed = this.copier.copy(sql, noticedAt);
			changed |= this.mark.afterCopy(sql, changed, noticedAt);
			CheckpointMode mode = thenCheckpoint ? this.checkpointer.due() : null;
			if (mode != null) {
				changed |= checkpoint(mode);
			}
			if (thenCheckpoint) {
				this.lastSyncAt = this.clock.instant();
			}
			return changed;
		});
	}

	/**
	 * Pins a position for a comparison with a replica: under the engine's lock and
	 * SQLite's write lock, held only for this, every commit made until now is copied into
	 * the shadow WAL and {@code atPosition} starts a read transaction of its own, which
	 * then sees exactly the position returned, however the application writes on.
	 * @param atPosition starts the caller's read transaction (a first read on its
	 * connection)
	 * @return the position that read transaction sees, and how long writers waited
	 * @since 0.2.0
	 */
	public Pinned pin(PinnedRead atPosition) {
		Instant noticedAt = this.clock.instant();
		Position[] pinned = new Position[1];
		long[] held = new long[1];
		changeLocked("Pinning a position of database '", (sql) -> {
			sql.acquireWriteLock();
			long locked = System.nanoTime();
			try {
				boolean changed = this.copier.copy(sql, noticedAt);
				changed |= this.mark.afterCopy(sql, changed, noticedAt);
				pinned[0] = position();
				atPosition.begin();
				return changed;
			}
			finally {
				sql.releaseWriteLock();
				held[0] = System.nanoTime() - locked;
			}
		});
		if (pinned[0] == null) {
			throw new LitestreamException("Database '" + this.name + "' has no position yet: nothing was copied");
		}
		return new Pinned(pinned[0], Duration.ofNanos(held[0]));
	}

	/**
	 * A pinned position.
	 *
	 * @param position the position the caller's read transaction sees
	 * @param writeLockHeld how long SQLite's write lock was held for it
	 */
	public record Pinned(Position position, Duration writeLockHeld) {
	}

	/** Starts a read transaction at the pinned position. */
	@FunctionalInterface
	public interface PinnedRead {

		/** Starts the read transaction: its first read. */
		void begin() throws SQLException;

	}

	/**
	 * Checkpoints now in the given mode; a checkpoint that would interrupt a running
	 * snapshot is skipped.
	 * @return whether a new WAL index started
	 */
	public boolean checkpoint(CheckpointMode mode) {
		return changeLocked("Checkpoint of database '", (sql) -> {
			this.copier.copy(sql, this.clock.instant());
			return checkpointLocked(mode);
		});
	}

	/**
	 * Runs {@code change} under the lock, then tells the change listeners when it changed
	 * the shadow WAL or the generation: outside the lock, since they wake replica threads
	 * that take it.
	 * @param failure the start of the message of a failure, followed by the name and the
	 * cause
	 */
	private boolean changeLocked(String failure, LockedChange change) {
		try {
			return this.lock.change(() -> change.run(requireConnections()));
		}
		catch (IOException | SQLException ex) {
			throw new LitestreamException(failure + this.name + "' failed: " + ex.getMessage(), ex);
		}
	}

	/** The current position of the shadow WAL; null before the first sync. */
	public @Nullable Position position() {
		return this.lock.read(this.copier::position);
	}

	/**
	 * The time the engine noticed the oldest commit beyond {@code position}, or null when
	 * nothing committed is beyond it: the measure of a replica's lag.
	 */
	public @Nullable Instant oldestCommitAfter(@Nullable Position position) {
		return this.commits.oldestAfter(position);
	}

	/** Forgets commits that every replica has made durable, up to {@code position}. */
	public void commitsDurable(Position position) {
		this.commits.durable(position);
	}

	/**
	 * The committed size of a WAL index's shadow, or -1 when the engine no longer (or
	 * never) had it.
	 */
	public long shadowSize(Generation generation, long index) throws IOException {
		this.lock.lock();
		try {
			ShadowWal current = this.copier.shadow();
			if (generation.equals(this.copier.generation()) && index == this.copier.walIndex() && current != null) {
				return current.size();
			}
			return this.local.shadowSize(generation, index);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Opens {@code length} bytes of a WAL index's shadow at {@code offset}, which the
	 * caller got from this.
	 */
	public InputStream openShadow(Generation generation, long index, long offset, long length) throws IOException {
		return this.local.openShadow(generation, index, offset, length);
	}

	/**
	 * Deletes local shadow WAL files of the current generation below {@code index}: every
	 * replica has them.
	 */
	public void releaseShadowBefore(Generation generation, long index) throws IOException {
		this.lock.lock();
		try {
			if (generation.equals(this.copier.generation())) {
				// the current index's shadow is still being written
				this.local.deleteShadowsBelow(generation, Math.min(index, this.copier.walIndex()));
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Runs {@code reader} on a frozen database file that holds exactly the state at the
	 * position it is given: under SQLite's write lock the whole WAL is copied and
	 * backfilled, and the read transaction taken then keeps everyone from backfilling
	 * anything into the file until the reader is done (writers go on, into the WAL). The
	 * snapshot is thus restorable on its own, before any segment of its index is in the
	 * store.
	 * @throws LitestreamException when the WAL cannot be fully backfilled now (a
	 * long-running read transaction of the application, or writers holding the lock): the
	 * snapshot is postponed, never taken from a file that may be half-way through a
	 * checkpoint
	 */
	public <T> T readSnapshot(SnapshotReader<T> reader) throws IOException {
		return this.freeze.read(reader);
	}

	private Position requirePosition() {
		Position position = position();
		if (position == null) {
			throw new LitestreamException("Database '" + this.name + "' is not open");
		}
		return position;
	}

	/** When the last sync completed, or null. */
	public @Nullable Instant lastSyncAt() {
		return this.lastSyncAt;
	}

	/** When the last checkpoint completed, or null. */
	public @Nullable Instant lastCheckpointAt() {
		return this.checkpointer.lastCheckpointAt();
	}

	/** The size of the database file in bytes. */
	public long databaseSize() {
		return sizeOrZero(this.options.path());
	}

	/** The size of the WAL file in bytes. */
	public long walSize() {
		return sizeOrZero(this.walPath);
	}

	private static long sizeOrZero(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/** Closes the engine's connections, after a {@link #quiesce()} when it can. */
	@Override
	public void close() {
		quiesce();
		this.freeze.hold();
		this.lock.lock();
		try {
			closeConnections();
		}
		finally {
			this.lock.unlock();
			this.freeze.release();
		}
	}

	/**
	 * Prepares the end of replication: copies the WAL's last frames and backfills the
	 * whole WAL under SQLite's write lock, and records the database file's fingerprint,
	 * so that the next start can prove that nothing changed meanwhile and keep the
	 * generation even though SQLite deletes the WAL when the last connection closes. The
	 * connections stay open: the replicas upload what was copied here before
	 * {@link #close()}, so a graceful stop loses nothing. Commits after this go to the
	 * WAL and reach the replicas at the next start. Once per open.
	 * @return whether the shadow WAL changed
	 */
	public boolean quiesce() {
		boolean changed = false;
		this.freeze.hold();
		this.lock.lock();
		try {
			if (!this.quiesced && this.connections != null && this.copier.shadow() != null) {
				this.quiesced = true;
				Position was = position();
				try {
					// The read transaction taken after the full backfill keeps everyone
					// from backfilling into the database file (writers go on, into the
					// WAL), so the fingerprint is that of the state the shadow WAL ends
					// with.
					if (this.checkpointer.backfillUnderWriteLock(requireConnections()).fullyBackfilled()) {
						this.copier.recordCleanShutdown(requireFile());
					}
				}
				catch (IOException | SQLException | RuntimeException ex) {
					logger.debug("db={} no clean-shutdown record: {}", this.name, ex.getMessage());
				}
				changed = !Objects.equals(was, position());
			}
		}
		finally {
			this.lock.unlock();
			this.freeze.release();
		}
		if (changed) {
			this.lock.changed();
		}
		return changed;
	}

	private DatabaseFiles.Handle requireFile() {
		if (this.file == null) {
			throw new LitestreamException("Database '" + this.name + "' is not open");
		}
		return this.file;
	}

	/** Checkpoints unless a snapshot is being read. */
	private boolean checkpointLocked(CheckpointMode mode) throws IOException, SQLException {
		return this.freeze.checkpointUnlessReading(() -> this.checkpointer.checkpoint(requireConnections(), mode));
	}

	private EngineConnections requireConnections() {
		if (this.connections == null) {
			throw new LitestreamException("Database '" + this.name + "' is not open");
		}
		return this.connections;
	}

	private void closeConnections() {
		if (this.connections != null) {
			this.connections.close();
			this.connections = null;
		}
	}

	@FunctionalInterface
	private interface LockedChange {

		boolean run(EngineConnections sql) throws IOException, SQLException;

	}

}
