package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.Generation;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.Position;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.util.SqliteFiles;
import io.github.jlitestream.core.wal.InvalidWalException;
import io.github.jlitestream.core.wal.ShadowWal;
import io.github.jlitestream.core.wal.WalHeader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SQLite database under replication: holds the long-running read transaction, copies committed WAL frames
 * into the shadow WAL, starts generations when continuity is lost, and checkpoints. Replicas read the shadow WAL
 * through it. Thread-safe; {@link #sync()} is normally called by the database's monitor thread.
 *
 * @since 0.1.0
 */
public final class Database implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Database.class);

	/** How long a restart or truncate checkpoint retries while readers hold back the backfill. */
	private static final Duration READER_WAIT = Duration.ofMillis(500);

	/**
	 * How often, and how far apart, a checkpoint is tried again while another connection (the application's
	 * auto-checkpoint) runs one: under a stream of commits that happens after almost every commit.
	 */
	private static final int CHECKPOINTER_RETRIES = 10;

	private static final Duration CHECKPOINTER_RETRY_DELAY = Duration.ofMillis(2);

	private final String name;

	private final DatabaseOptions options;

	private final ReplicationListener listener;

	private final Clock clock;

	private final Path walPath;

	private final LocalState local;

	private final CheckpointPolicy policy;

	private final ReentrantLock lock = new ReentrantLock();

	/**
	 * Held by a snapshot while it reads the frozen database file, by a checkpoint (which ends the read transaction
	 * and backfills) and by the stop: one at a time, since a second snapshot's backfill would change the file the
	 * first one is reading.
	 */
	private final ReentrantLock checkpointGuard = new ReentrantLock();

	private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

	private final CommitLog commits = new CommitLog();

	private @Nullable EngineConnections connections;

	private DatabaseFiles.@Nullable Handle file;

	private @Nullable Object fileKey;

	private @Nullable Generation generation;

	private long index;

	private @Nullable ShadowWal shadow;

	/**
	 * Whether the read transaction was taken before the last copy of the WAL, so that the shadow WAL reaches at
	 * least the read mark. While it holds, no writer can restart the WAL under frames the engine has not copied
	 * (a mark on one of SQLite's read slots 1 to N blocks every restart; a mark on slot 0, taken when the WAL was
	 * fully backfilled, blocks every backfill, so a restart can only follow the lifetime as it was copied), and the
	 * only change of the WAL header the next copy can find is one restart: the next header that SQLite writes,
	 * salt-1 one more. Without it (after open, or when a failure left the engine without a
	 * read transaction) a new header is only accepted when the old lifetime's copied end is provably intact.
	 */
	private boolean markHeld;

	/** Snapshots being read from a frozen database file: the read transaction must not move meanwhile. */
	private int frozenReads;

	/** Set by {@link #quiesce()}: the last frames are copied and the clean shutdown is recorded. */
	private boolean quiesced;

	/** Set when a clean-shutdown record proved that the database did not change while the engine was stopped. */
	private boolean resumedAfterCleanShutdown;

	private @Nullable String pendingGenerationReason = "no generation exists";

	private Instant lastChangeAt;

	/** The shadow WAL's size at the last passive checkpoint of its index (which backfilled that far). */
	private long passiveBackfilledAt;

	/** Set when the read transaction was taken where it may read the database file only; see markCopiedEnd. */
	private boolean readMarkMayBeOnDatabaseFile;

	/** Bytes the last {@link #copyContinuing} call added to the shadow WAL. */
	private long lastCopied;

	private volatile @Nullable Instant lastSyncAt;

	private volatile @Nullable Instant lastCheckpointAt;

	public Database(String name, DatabaseOptions options, ReplicationListener listener, Clock clock) {
		this.name = name;
		this.options = options;
		this.listener = listener;
		this.clock = clock;
		this.walPath = SqliteFiles.walPath(options.path());
		this.local = new LocalState(options.metaPath());
		this.policy = new CheckpointPolicy(options);
		this.lastChangeAt = clock.instant();
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
	 * Opens the database for replication: switches it to WAL mode, takes the read transaction and checks whether
	 * the local generation continues where the WAL stands.
	 */
	public void open() {
		open(null);
	}

	/**
	 * Opens the database again after it was deleted or replaced under the engine. Unlike {@link #open()} it never
	 * creates the file (an empty database the engine made itself would be replicated as the newest state, while the
	 * application may still write to the deleted file), and a replaced file always starts a new generation: even
	 * when a WAL left beside it matches the shadow WAL, it belonged to the file that was replaced.
	 * @param reason why the database is reopened, the new generation's reason
	 */
	public void reopen(String reason) {
		open(reason);
	}

	private void open(@Nullable String reopenReason) {
		Path path = this.options.path();
		if (!Files.isDirectory(path.getParent())) {
			throw new LitestreamException("Cannot replicate " + path + ": directory " + path.getParent()
					+ " does not exist");
		}
		if (reopenReason != null && !Files.exists(path)) {
			throw new LitestreamException("Cannot replicate " + path + ": the database file was deleted; "
					+ "replication resumes when a database exists at that path again (connections the application "
					+ "still holds write to the deleted file, which no replica receives)");
		}
		if (Files.exists(path) && !Files.isRegularFile(path)) {
			throw new LitestreamException("Cannot replicate " + path + ": it is not a regular file");
		}
		this.lock.lock();
		try {
			this.connections = EngineConnections.open(path, this.options.busyTimeout(), reopenReason == null);
			this.file = DatabaseFiles.open(path);
			this.fileKey = DatabaseFiles.fileKey(path);
			this.connections.beginRead();
			// Nothing is copied yet: until the first copy proves where the WAL stands, a new WAL header is only
			// accepted when the old lifetime's copied end is intact (a fully backfilled WAL puts this read on slot
			// 0, which does not stop a restart).
			this.markHeld = false;
			this.quiesced = false;
			this.readMarkMayBeOnDatabaseFile = true;
			this.local.removeSpools();
			resumeGeneration();
			if (reopenReason != null) {
				this.pendingGenerationReason = reopenReason;
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

	/** Adds a callback run after each sync that changed the shadow WAL or the generation. */
	public void onChange(Runnable callback) {
		this.changeListeners.add(callback);
	}

	/**
	 * Copies newly committed WAL frames into the shadow WAL, starting a new generation or WAL index when needed,
	 * then checkpoints when the WAL has grown past a threshold or the database is idle.
	 * @return whether the shadow WAL or the generation changed
	 */
	public boolean sync() {
		return copy(true);
	}

	/**
	 * Copies newly committed WAL frames into the shadow WAL now, without checkpointing: an upload that starts next
	 * then carries every commit made until now, not only those the monitor has copied.
	 */
	public void copyNow() {
		copy(false);
	}

	private boolean copy(boolean thenCheckpoint) {
		Instant noticedAt = this.clock.instant();
		boolean changed;
		this.lock.lock();
		try {
			requireOpen();
			changed = copyWal(noticedAt);
			if (!this.markHeld) {
				changed |= takeMark(noticedAt);
			}
			else {
				changed |= markCopiedEnd(changed, noticedAt);
			}
			CheckpointMode mode = thenCheckpoint ? checkpointDue() : null;
			if (mode != null) {
				changed |= checkpoint(mode);
			}
			if (thenCheckpoint) {
				this.lastSyncAt = this.clock.instant();
			}
		}
		catch (IOException | SQLException ex) {
			throw new LitestreamException("Sync of database '" + this.name + "' failed: " + ex.getMessage(), ex);
		}
		finally {
			this.lock.unlock();
		}
		if (changed) {
			this.changeListeners.forEach(Runnable::run);
		}
		return changed;
	}

	/**
	 * Checkpoints now in the given mode; a checkpoint that would interrupt a running snapshot is skipped.
	 * @return whether a new WAL index started
	 */
	public boolean checkpoint(CheckpointMode mode) {
		boolean changed;
		this.lock.lock();
		try {
			requireOpen();
			copyWal(this.clock.instant());
			changed = checkpointLocked(mode);
		}
		catch (IOException | SQLException ex) {
			throw new LitestreamException("Checkpoint of database '" + this.name + "' failed: " + ex.getMessage(), ex);
		}
		finally {
			this.lock.unlock();
		}
		if (changed) {
			this.changeListeners.forEach(Runnable::run);
		}
		return changed;
	}

	/** The current position of the shadow WAL; null before the first sync. */
	public @Nullable Position position() {
		this.lock.lock();
		try {
			return (this.generation != null && this.shadow != null)
					? new Position(this.generation, this.index, this.shadow.size()) : null;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * The time the engine noticed the oldest commit beyond {@code position}, or null when nothing committed is
	 * beyond it: the measure of a replica's lag.
	 */
	public @Nullable Instant oldestCommitAfter(@Nullable Position position) {
		return this.commits.oldestAfter(position);
	}

	/** Forgets commits that every replica has made durable, up to {@code position}. */
	public void commitsDurable(Position position) {
		this.commits.durable(position);
	}

	/**
	 * The committed size of a WAL index's shadow, or -1 when the engine no longer (or never) had it.
	 */
	public long shadowSize(Generation generation, long index) throws IOException {
		this.lock.lock();
		try {
			if (generation.equals(this.generation) && index == this.index && this.shadow != null) {
				return this.shadow.size();
			}
			return this.local.shadowSize(generation, index);
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Opens {@code length} bytes of a WAL index's shadow at {@code offset}, which the caller got from this. */
	public InputStream openShadow(Generation generation, long index, long offset, long length) throws IOException {
		return this.local.openShadow(generation, index, offset, length);
	}

	/** Deletes local shadow WAL files of the current generation below {@code index}: every replica has them. */
	public void releaseShadowBefore(Generation generation, long index) throws IOException {
		this.lock.lock();
		try {
			if (generation.equals(this.generation)) {
				// the current index's shadow is still being written
				this.local.deleteShadowsBelow(generation, Math.min(index, this.index));
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Runs {@code reader} on a frozen database file that holds exactly the state at the position it is given: under
	 * SQLite's write lock the whole WAL is copied and backfilled, and the read transaction taken then keeps everyone
	 * from backfilling anything into the file until the reader is done (writers go on, into the WAL). The snapshot
	 * is thus restorable on its own, before any segment of its index is in the store.
	 * @throws LitestreamException when the WAL cannot be fully backfilled now (a long-running read transaction of
	 * the application, or writers holding the lock): the snapshot is postponed, never taken from a file that may be
	 * half-way through a checkpoint
	 */
	public <T> T readSnapshot(SnapshotReader<T> reader) throws IOException {
		this.checkpointGuard.lock();
		try {
			Position position = freeze();
			try {
				return reader.read(position, new DatabaseFileInputStream(requireFile()));
			}
			finally {
				thaw();
			}
		}
		finally {
			this.checkpointGuard.unlock();
		}
	}

	private Position freeze() throws IOException {
		Instant noticedAt = this.clock.instant();
		boolean changed;
		Position position;
		this.lock.lock();
		try {
			EngineConnections sql = requireConnections();
			changed = copyWal(noticedAt);
			try {
				sql.acquireWriteLock();
			}
			catch (SQLException ex) {
				throw new LitestreamException("Snapshot of database '" + this.name + "' postponed: "
						+ (SqliteErrors.isBusy(ex) ? "writers held SQLite's write lock longer than the busy timeout"
								: ex.getMessage()),
						ex);
			}
			CheckpointResult result;
			try {
				long before = requireShadow().size();
				result = backfillWholeWal(sql);
				changed |= requireShadow().size() != before;
			}
			finally {
				sql.releaseWriteLock();
			}
			if (!result.fullyBackfilled()) {
				throw new LitestreamException("Snapshot of database '" + this.name + "' postponed: only "
						+ result.checkpointedFrames() + " of " + result.walFrames()
						+ " WAL frames could be checkpointed into the database file (a read "
						+ "transaction of the application holds the rest back); it is retried");
			}
			this.frozenReads++;
			this.readMarkMayBeOnDatabaseFile = true;
			position = requirePosition();
		}
		catch (SQLException ex) {
			throw new LitestreamException("Snapshot of database '" + this.name + "' failed: " + ex.getMessage(), ex);
		}
		finally {
			this.lock.unlock();
		}
		if (changed) {
			this.changeListeners.forEach(Runnable::run);
		}
		return position;
	}

	private void thaw() {
		this.lock.lock();
		try {
			this.frozenReads--;
		}
		finally {
			this.lock.unlock();
		}
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
		return this.lastCheckpointAt;
	}

	/** The size of the database file in bytes. */
	public long databaseSize() {
		try {
			return Files.size(this.options.path());
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/** The size of the WAL file in bytes. */
	public long walSize() {
		try {
			return Files.size(this.walPath);
		}
		catch (IOException ex) {
			return 0;
		}
	}

	/**
	 * Closes the engine's connections. When it can, it first copies the last frames and backfills the whole WAL
	 * under SQLite's write lock, and records the database file's fingerprint, so that the next start can prove that
	 * nothing changed meanwhile and keep the generation even though SQLite deletes the WAL when the last connection
	 * closes.
	 */
	@Override
	public void close() {
		quiesce();
		this.checkpointGuard.lock();
		this.lock.lock();
		try {
			closeConnections();
		}
		finally {
			this.lock.unlock();
			this.checkpointGuard.unlock();
		}
	}

	/**
	 * Prepares the end of replication: copies the WAL's last frames and backfills the whole WAL under SQLite's
	 * write lock, and records the database file's fingerprint, so that the next start can prove that nothing changed
	 * meanwhile and keep the generation even though SQLite deletes the WAL when the last connection closes. The
	 * connections stay open: the replicas upload what was copied here before {@link #close()}, so a graceful stop
	 * loses nothing. Commits after this go to the WAL and reach the replicas at the next start. Once per open.
	 * @return whether the shadow WAL changed
	 */
	public boolean quiesce() {
		boolean changed = false;
		this.checkpointGuard.lock();
		this.lock.lock();
		try {
			if (!this.quiesced && this.connections != null && this.shadow != null) {
				this.quiesced = true;
				Position was = position();
				try {
					recordCleanShutdown();
				}
				catch (IOException | SQLException | RuntimeException ex) {
					logger.debug("db={} no clean-shutdown record: {}", this.name, ex.getMessage());
				}
				changed = !Objects.equals(was, position());
			}
		}
		finally {
			this.lock.unlock();
			this.checkpointGuard.unlock();
		}
		if (changed) {
			this.changeListeners.forEach(Runnable::run);
		}
		return changed;
	}

	private void recordCleanShutdown() throws IOException, SQLException {
		EngineConnections sql = requireConnections();
		sql.acquireWriteLock();
		CheckpointResult result;
		try {
			result = backfillWholeWal(sql);
		}
		finally {
			sql.releaseWriteLock();
		}
		// The read transaction taken after the full backfill keeps everyone from backfilling into the database file
		// (writers go on, into the WAL), so the fingerprint is that of the state the shadow WAL ends with.
		if (result.fullyBackfilled()) {
			CleanShutdown.write(this.options.metaPath(), new CleanShutdown(requireGeneration(), this.index,
					requireShadow().header(), CleanShutdown.fingerprint(this.options.path(), requireFile())));
		}
	}

	private DatabaseFiles.Handle requireFile() {
		if (this.file == null) {
			throw new LitestreamException("Database '" + this.name + "' is not open");
		}
		return this.file;
	}

	private Generation requireGeneration() {
		if (this.generation == null) {
			throw new IllegalStateException("no generation");
		}
		return this.generation;
	}

	// --- WAL copy and generations ------------------------------------------------------------------------------

	private boolean copyWal(Instant noticedAt) throws IOException, SQLException {
		checkFileIdentity();
		if (!Files.exists(this.walPath) || Files.size(this.walPath) < WalHeader.SIZE) {
			requireConnections().forceWrite(false); // SQLite writes a WAL header with the first frame
		}
		try (FileChannel wal = FileChannel.open(this.walPath, StandardOpenOption.READ)) {
			WalHeader header = WalHeader.read(wal);
			String reason = (this.pendingGenerationReason != null) ? this.pendingGenerationReason
					: copyContinuing(wal, header);
			long copied;
			boolean generationStarted = reason != null;
			if (generationStarted) {
				copied = startGeneration(wal, header, reason);
			}
			else {
				copied = this.lastCopied;
			}
			if (copied > 0 || generationStarted) {
				this.lastChangeAt = noticedAt;
				recordCommit(noticedAt, generationStarted);
				this.listener.onWalCopied(this.name, copied);
				return true;
			}
			return false;
		}
	}

	/**
	 * Moves the read transaction to the end of what was just copied when it may read the database file only:
	 * SQLite puts a read transaction there when the WAL is fully backfilled (at open, for instance), and from there
	 * it blocks every backfill, even of what the engine has copied, which the application's auto-checkpoint pays
	 * for after each commit.
	 */
	private boolean markCopiedEnd(boolean copied, Instant noticedAt) throws IOException, SQLException {
		if (copied && this.readMarkMayBeOnDatabaseFile && this.frozenReads == 0) {
			boolean more = moveMark(noticedAt);
			this.readMarkMayBeOnDatabaseFile = false;
			return more;
		}
		return false;
	}

	/**
	 * Moves the read transaction to the WAL's current end, then copies again, so that the shadow WAL reaches the
	 * new mark: a mark beyond the copied end would let frames between the two be backfilled and, once the engine's
	 * read lands on slot 0, a restart overwrite them uncopied.
	 */
	private boolean moveMark(Instant noticedAt) throws IOException, SQLException {
		requireConnections().refreshRead();
		return copyWal(noticedAt);
	}

	/**
	 * Takes the read transaction again after the engine had none (or had not copied since taking it): the copy that
	 * follows still judges a changed WAL header strictly, then the mark holds.
	 */
	private boolean takeMark(Instant noticedAt) throws IOException, SQLException {
		boolean copied = moveMark(noticedAt);
		this.markHeld = true;
		this.readMarkMayBeOnDatabaseFile = true;
		return copied;
	}

	/** Copies frames within the current generation; returns why a new generation must start, or null. */
	private @Nullable String copyContinuing(FileChannel wal, WalHeader header) throws IOException {
		ShadowWal current = requireShadow();
		this.lastCopied = 0;
		long walSize = wal.size();
		if (header.equals(current.header())) {
			if (walSize < current.size()) {
				return "wal truncated by another process";
			}
			if (!lastFrameMatches(wal, current)) {
				return "wal overwritten by another process";
			}
			this.lastCopied = current.copyFrom(wal);
			this.resumedAfterCleanShutdown = false;
			return null;
		}
		OptionalInt restarts = header.restartsSince(current.header());
		if (this.resumedAfterCleanShutdown) {
			// The whole WAL was backfilled at the clean shutdown and the database file is unchanged since, so any WAL
			// now continues it: one created anew (random salts) or restarted once. Restarted more often (an
			// application truncating the WAL twice) loses nothing either, but a restore cannot tell that from a
			// skipped lifetime, so the generation ends there.
			if (restarts.isPresent() && restarts.getAsInt() != 1) {
				return "wal restarted " + restarts.getAsInt() + " times while not running";
			}
		}
		else {
			// Each restart gives the next header salt-1 one more (walRestartHdr). Two or more mean restarts the
			// engine did not see, which a restore cannot tell from a skipped lifetime. A header that does not descend
			// at all comes from a connection that never restarted the WAL itself writing after another one's
			// TRUNCATE checkpoint (it draws new salts): with the mark held that can only follow a lifetime copied
			// whole, without it nothing proves what came between.
			boolean next = restarts.isPresent() ? restarts.getAsInt() == 1 : this.markHeld;
			if (!next) {
				return "wal restarted more than once, or created anew, while not observed (salt-1 %08x to %08x)"
					.formatted(current.header().salt1(), header.salt1());
			}
			boolean tailIntact = walSize >= current.size() && lastFrameMatches(wal, current);
			if (tailIntact) {
				// frames of the old lifetime beyond the new ones, still in place
				Failpoints.hit(Failpoints.COPY_OLD_TAIL);
				this.lastCopied += current.copyFrom(wal);
				if (!this.markHeld && !lastFrameMatches(wal, current)) {
					// the new lifetime reached the old one's tail while it was being copied: frames may be lost
					return "wal overwritten by another process while its old lifetime was copied";
				}
			}
			else if (!this.markHeld) {
				return (current.size() <= WalHeader.SIZE) ? "wal header only, mismatched"
						: "wal overwritten by another process";
			}
		}
		if (this.index + 1 > Position.MAX_INDEX) {
			return "max index exceeded";
		}
		this.resumedAfterCleanShutdown = false;
		this.index++;
		this.shadow = ShadowWal.create(this.local.shadowPath(this.generation, this.index), header);
		this.passiveBackfilledAt = 0;
		this.lastCopied += WalHeader.SIZE + this.shadow.copyFrom(wal);
		logger.debug("db={} WAL restarted, index={}", this.name, this.index);
		return null;
	}

	private long startGeneration(FileChannel wal, WalHeader header, String reason) throws IOException {
		Generation previous = this.generation;
		Generation next = Generation.random();
		ShadowWal created = ShadowWal.create(this.local.shadowPath(next, 0), header);
		long copied = created.copyFrom(wal);
		this.local.writeGenerationFile(next);
		this.generation = next;
		this.index = 0;
		this.shadow = created;
		this.passiveBackfilledAt = 0;
		this.pendingGenerationReason = null;
		this.resumedAfterCleanShutdown = false;
		this.local.removeOtherGenerations(next);
		logger.info("db={} new generation={} reason=\"{}\" previous={}", this.name, next, reason, previous);
		this.listener.onGenerationChange(this.name, next, reason);
		return WalHeader.SIZE + copied;
	}

	/** Picks up the local generation when the WAL provably continues where its shadow ends. */
	private void resumeGeneration() throws IOException {
		Generation saved = this.local.readGenerationFile();
		CleanShutdown shutdown = CleanShutdown.take(this.options.metaPath());
		if (saved == null) {
			this.pendingGenerationReason = "no generation exists";
			return;
		}
		long last = this.local.lastShadowIndex(saved);
		String reason = null;
		if (last < 0) {
			reason = "no shadow wal";
		}
		else if (!Files.exists(this.walPath) || Files.size(this.walPath) < WalHeader.SIZE) {
			reason = "wal missing at start";
			try {
				ShadowWal candidate = ShadowWal.open(this.local.shadowPath(saved, last));
				if (resumeAfterCleanShutdown(saved, last, candidate, shutdown)) {
					return;
				}
			}
			catch (InvalidWalException ex) {
				reason = "shadow wal unreadable: " + ex.getMessage();
			}
		}
		if (reason == null) {
			try (FileChannel wal = FileChannel.open(this.walPath, StandardOpenOption.READ)) {
				ShadowWal candidate = ShadowWal.open(this.local.shadowPath(saved, last));
				WalHeader header = WalHeader.read(wal);
				if (!header.equals(candidate.header())) {
					reason = "wal header changed while not running";
					if (resumeAfterCleanShutdown(saved, last, candidate, shutdown)) {
						return;
					}
				}
				else if (wal.size() < candidate.size() || !lastFrameMatches(wal, candidate)) {
					reason = "wal overwritten while not running";
				}
				else {
					this.generation = saved;
					this.index = last;
					this.shadow = candidate;
					this.passiveBackfilledAt = 0;
					this.pendingGenerationReason = null;
					logger.info("db={} continuing generation={} at {}", this.name, saved, position());
					return;
				}
			}
			catch (InvalidWalException ex) {
				reason = "shadow wal unreadable: " + ex.getMessage();
			}
		}
		this.pendingGenerationReason = reason;
		logger.info("db={} cannot continue generation={}: {}", this.name, saved, reason);
	}

	/**
	 * After a clean shutdown the whole WAL was backfilled under the write lock; if the database file is still the
	 * same (identity, size, modification time), whatever WAL exists now started after that and continues the
	 * generation as the next index.
	 */
	private boolean resumeAfterCleanShutdown(Generation saved, long last, ShadowWal candidate,
			@Nullable CleanShutdown shutdown) throws IOException {
		if (shutdown == null || !shutdown.generation().equals(saved) || shutdown.index() != last
				|| !shutdown.walHeader().equals(candidate.header())
				|| !shutdown.fingerprint().equals(CleanShutdown.fingerprint(this.options.path(), requireFile()))) {
			return false;
		}
		this.generation = saved;
		this.index = last;
		this.shadow = candidate;
		this.passiveBackfilledAt = 0;
		this.resumedAfterCleanShutdown = true;
		this.pendingGenerationReason = null;
		logger.info("db={} continuing generation={} after a clean shutdown at {}", this.name, saved, position());
		return true;
	}

	private void checkFileIdentity() throws IOException {
		Object key;
		try {
			key = DatabaseFiles.fileKey(this.options.path());
		}
		catch (NoSuchFileException ex) {
			throw new DatabaseReplacedException("Database file " + this.options.path() + " was deleted",
					"database file deleted");
		}
		if (!key.equals(this.fileKey)) {
			throw new DatabaseReplacedException("Database file " + this.options.path()
					+ " was replaced by another file; reopening it to start a new generation");
		}
	}

	private static boolean lastFrameMatches(FileChannel wal, ShadowWal current) throws IOException {
		return current.lastFrameMatches(wal);
	}

	private void recordCommit(Instant noticedAt, boolean generationStarted) {
		Position end = position();
		if (end != null) {
			this.commits.record(end, noticedAt, generationStarted);
		}
	}

	// --- checkpoints -------------------------------------------------------------------------------------------

	private @Nullable CheckpointMode checkpointDue() throws IOException {
		ShadowWal current = requireShadow();
		long walSize = Files.exists(this.walPath) ? Files.size(this.walPath) : 0;
		return this.policy.due(walSize, current.size(), current.header().pageSize(), this.passiveBackfilledAt,
				this.lastCheckpointAt, this.lastChangeAt, this.clock.instant());
	}

	/**
	 * Backfills what the shadow WAL holds without blocking writers and, except in passive mode, then copies the WAL's
	 * last frames while holding SQLite's write lock, backfills the rest, takes the read transaction again before any
	 * writer can restart the WAL, and forces the restart, so that no committed frame can be lost.
	 */
	private boolean checkpointLocked(CheckpointMode mode) throws IOException, SQLException {
		if (!this.checkpointGuard.tryLock()) {
			logger.debug("db={} checkpoint skipped: a snapshot is being read", this.name);
			return false;
		}
		long started = System.nanoTime();
		EngineConnections sql = requireConnections();
		try {
			// Most of the backfill runs without the write lock, up to a read mark at the end of what is copied, so
			// writers wait only for the short locked phase below.
			copyWal(this.clock.instant());
			sql.refreshRead();
			copyWal(this.clock.instant());
			CheckpointResult unlocked = sql.checkpointUpToReadMark();
			for (int attempt = 0; attempt < CHECKPOINTER_RETRIES && unlocked.otherCheckpointerRunning(); attempt++) {
				sleep(CHECKPOINTER_RETRY_DELAY.toMillis());
				unlocked = sql.checkpointUpToReadMark();
			}
			if (mode == CheckpointMode.PASSIVE) {
				// No restart: each one starts a WAL index, and the upload after it carries the old index's tail and
				// the new index's start, two objects instead of one. The WAL restarts at the max page count.
				this.passiveBackfilledAt = requireShadow().size();
				logger.debug("db={} checkpoint mode={} unlocked={} ({} ms)", this.name, mode,
						unlocked, (System.nanoTime() - started) / 1_000_000);
				this.lastCheckpointAt = this.clock.instant();
				this.listener.onCheckpoint(this.name, mode, Duration.ofNanos(System.nanoTime() - started), null);
				return false;
			}
			long lockRequested = System.nanoTime();
			try {
				sql.acquireWriteLock();
			}
			catch (SQLException ex) {
				if (!SqliteErrors.isBusy(ex)) {
					throw ex;
				}
				// Writers held the lock longer than the busy timeout: try again at the next sync.
				logger.debug("db={} checkpoint mode={} postponed: database busy", this.name, mode);
				return false;
			}
			long locked = System.nanoTime();
			CheckpointResult result;
			try {
				result = backfillWholeWal(sql);
				logger.debug("db={} checkpoint mode={} unlocked={} locked={} (unlocked phase {} ms, lock wait {} ms, "
						+ "locked {} ms)", this.name, mode, unlocked, result,
						(lockRequested - started) / 1_000_000, (locked - lockRequested) / 1_000_000,
						(System.nanoTime() - locked) / 1_000_000);
			}
			finally {
				sql.releaseWriteLock();
			}
			boolean restarted = false;
			if (result.fullyBackfilled()) {
				sql.forceWrite(mode == CheckpointMode.TRUNCATE);
				long before = this.index;
				copyWal(this.clock.instant());
				restarted = this.index != before;
				// The read transaction taken after the full backfill reads the database file only (SQLite's read
				// slot 0), which let the restart happen; there it blocks every backfill, and the application's
				// auto-checkpoint sorted the whole WAL's frames after every commit before giving up (its writes fell
				// to a quarter of their speed). Taken again now, it marks the new WAL's copied end.
				moveMark(this.clock.instant());
				this.readMarkMayBeOnDatabaseFile = false;
			}
			this.lastCheckpointAt = this.clock.instant();
			this.listener.onCheckpoint(this.name, mode, Duration.ofNanos(System.nanoTime() - started), null);
			return restarted;
		}
		catch (IOException | SQLException | RuntimeException ex) {
			this.listener.onCheckpoint(this.name, mode, Duration.ofNanos(System.nanoTime() - started), ex);
			throw ex;
		}
		finally {
			this.checkpointGuard.unlock();
		}
	}

	/**
	 * With SQLite's write lock held: copies the WAL's last frames, ends the read transaction and backfills the whole
	 * WAL into the database file (retrying while the application's checkpoint or readers hold it back), then takes
	 * the read transaction again, whatever failed: an engine without a read transaction cannot prove that the WAL
	 * did not restart under frames it has not copied. Writers are held off, so the shadow WAL then holds the whole
	 * WAL and the new read mark is at its end.
	 * @return SQLite's result of the last checkpoint
	 */
	private CheckpointResult backfillWholeWal(EngineConnections sql) throws IOException, SQLException {
		copyWal(this.clock.instant());
		sql.endRead();
		this.markHeld = false;
		SQLException notRetaken = null;
		CheckpointResult result;
		try {
			Failpoints.hit(Failpoints.CHECKPOINT_BACKFILL);
			result = sql.checkpointPassive();
			// The application's own (auto)checkpoint may still be running after its last commit: with writers held
			// off, it ends within milliseconds.
			for (int attempt = 0; attempt < CHECKPOINTER_RETRIES && result.otherCheckpointerRunning(); attempt++) {
				sleep(CHECKPOINTER_RETRY_DELAY.toMillis());
				result = sql.checkpointPassive();
			}
			long deadline = System.nanoTime() + READER_WAIT.toNanos();
			while (result.walFrames() != result.checkpointedFrames() && System.nanoTime() < deadline) {
				sleep(20);
				result = sql.checkpointPassive();
			}
		}
		finally {
			try {
				Failpoints.hit(Failpoints.CHECKPOINT_RETAKE_READ);
				sql.beginRead();
				this.markHeld = true;
			}
			catch (SQLException ex) {
				notRetaken = ex;
			}
		}
		if (notRetaken != null) {
			throw notRetaken;
		}
		return result;
	}

	private EngineConnections requireConnections() {
		if (this.connections == null) {
			throw new LitestreamException("Database '" + this.name + "' is not open");
		}
		return this.connections;
	}

	private void requireOpen() {
		requireConnections();
	}

	private ShadowWal requireShadow() {
		if (this.shadow == null) {
			throw new IllegalStateException("no shadow WAL");
		}
		return this.shadow;
	}

	private void closeConnections() {
		if (this.connections != null) {
			this.connections.close();
			this.connections = null;
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LitestreamException("Interrupted while waiting for a checkpoint");
		}
	}

	/** Reads a snapshot of the database file. */
	@FunctionalInterface
	public interface SnapshotReader<T> {

		/**
		 * Reads the database file; every change in it is in the shadow WAL at or before {@code position}.
		 */
		T read(Position position, InputStream databaseFile) throws IOException;

	}

}
