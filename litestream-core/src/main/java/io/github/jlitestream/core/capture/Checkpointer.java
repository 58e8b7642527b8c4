package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.github.jlitestream.core.CheckpointMode;
import io.github.jlitestream.core.DatabaseOptions;
import io.github.jlitestream.core.LitestreamException;
import io.github.jlitestream.core.ReplicationListener;
import io.github.jlitestream.core.util.Failpoints;
import io.github.jlitestream.core.util.SqliteFiles;
import io.github.jlitestream.core.wal.ShadowWal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints a database without losing a committed frame, and backfills its whole WAL
 * under SQLite's write lock for a snapshot or a clean shutdown. Every method runs with
 * {@link Database}'s lock held ({@link #checkpoint} also with its checkpoint guard); it
 * takes neither itself.
 */
final class Checkpointer {

	// Database's logger: the log categories that applications configured stay as they
	// were.
	private static final Logger logger = LoggerFactory.getLogger(Database.class);

	/**
	 * How long a restart or truncate checkpoint retries while readers hold back the
	 * backfill.
	 */
	private static final Duration READER_WAIT = Duration.ofMillis(500);

	/** How far apart those retries are. */
	private static final Duration READER_RETRY_DELAY = Duration.ofMillis(20);

	/**
	 * How often, and how far apart, a checkpoint is tried again while another connection
	 * (the application's auto-checkpoint) runs one: under a stream of commits that
	 * happens after almost every commit.
	 */
	private static final int CHECKPOINTER_RETRIES = 10;

	private static final Duration CHECKPOINTER_RETRY_DELAY = Duration.ofMillis(2);

	private final String name;

	private final ReplicationListener listener;

	private final Clock clock;

	private final Path walPath;

	private final CheckpointPolicy policy;

	private final WalCopier copier;

	private final ReadMark mark;

	private volatile @Nullable Instant lastCheckpointAt;

	Checkpointer(String name, DatabaseOptions options, ReplicationListener listener, Clock clock, WalCopier copier) {
		this.name = name;
		this.listener = listener;
		this.clock = clock;
		this.walPath = SqliteFiles.walPath(options.path());
		this.policy = new CheckpointPolicy(options);
		this.copier = copier;
		this.mark = copier.mark();
	}

	/** When the last checkpoint completed, or null. */
	@Nullable Instant lastCheckpointAt() {
		return this.lastCheckpointAt;
	}

	/** The checkpoint the {@link CheckpointPolicy} asks for now, or null. */
	@Nullable CheckpointMode due() throws IOException {
		ShadowWal current = this.copier.requireShadow();
		long walSize = Files.exists(this.walPath) ? Files.size(this.walPath) : 0;
		return this.policy.due(walSize, current.size(), current.header().pageSize(),
				this.copier.passiveBackfilledUpTo(), this.lastCheckpointAt, this.copier.lastChangeAt(),
				this.clock.instant());
	}

	/**
	 * Backfills what the shadow WAL holds without blocking writers and, except in passive
	 * mode, then copies the WAL's last frames while holding SQLite's write lock,
	 * backfills the rest, takes the read transaction again before any writer can restart
	 * the WAL, and forces the restart, so that no committed frame can be lost.
	 * @return whether a new WAL index started
	 */
	boolean checkpoint(EngineConnections sql, CheckpointMode mode) throws IOException, SQLException {
		long started = System.nanoTime();
		try {
			// Most of the backfill runs without the write lock, up to a read mark at the
			// end of what is copied, so writers wait only for the short locked phase
			// below.
			this.copier.copy(sql, this.clock.instant());
			sql.refreshRead();
			this.copier.copy(sql, this.clock.instant());
			CheckpointResult unlocked = sql.checkpointUpToReadMark();
			for (int attempt = 0; attempt < CHECKPOINTER_RETRIES && unlocked.otherCheckpointerRunning(); attempt++) {
				sleep(CHECKPOINTER_RETRY_DELAY);
				unlocked = sql.checkpointUpToReadMark();
			}
			if (mode == CheckpointMode.PASSIVE) {
				// No restart: each one starts a WAL index, and the upload after it
				// carries the old index's tail and the new index's start, two objects
				// instead of one. The WAL restarts at the max page count.
				this.copier.passiveBackfilled();
				logger.debug("db={} checkpoint mode={} unlocked={} ({} ms)", this.name, mode, unlocked,
						(System.nanoTime() - started) / 1_000_000);
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
				// Writers held the lock longer than the busy timeout: try again at the
				// next sync.
				logger.debug("db={} checkpoint mode={} postponed: database busy", this.name, mode);
				return false;
			}
			long locked = System.nanoTime();
			CheckpointResult result;
			try {
				result = backfillWholeWal(sql);
				logger.debug(
						"db={} checkpoint mode={} unlocked={} locked={} (unlocked phase {} ms, lock wait {} ms, "
								+ "locked {} ms)",
						this.name, mode, unlocked, result, (lockRequested - started) / 1_000_000,
						(locked - lockRequested) / 1_000_000, (System.nanoTime() - locked) / 1_000_000);
			}
			finally {
				sql.releaseWriteLock();
			}
			boolean restarted = false;
			if (result.fullyBackfilled()) {
				sql.forceWrite(mode == CheckpointMode.TRUNCATE);
				long before = this.copier.walIndex();
				this.copier.copy(sql, this.clock.instant());
				restarted = this.copier.walIndex() != before;
				// The read transaction taken after the full backfill reads the database
				// file only (SQLite's read slot 0), which let the restart happen; there
				// it blocks every backfill, and the application's auto-checkpoint sorted
				// the whole WAL's frames after every commit before giving up (its writes
				// fell to a quarter of their speed). Taken again now, it marks the new
				// WAL's copied end.
				this.mark.leaveDatabaseFile(sql, this.clock.instant());
			}
			this.lastCheckpointAt = this.clock.instant();
			this.listener.onCheckpoint(this.name, mode, Duration.ofNanos(System.nanoTime() - started), null);
			return restarted;
		}
		catch (IOException | SQLException | RuntimeException ex) {
			this.listener.onCheckpoint(this.name, mode, Duration.ofNanos(System.nanoTime() - started), ex);
			throw ex;
		}
	}

	/**
	 * Freezes the database file for a snapshot: under SQLite's write lock the whole WAL
	 * is copied and backfilled, and the read transaction taken then keeps everyone from
	 * backfilling anything into the file until the snapshot thaws it
	 * ({@link ReadMark#thaw()}).
	 * @return whether the shadow WAL changed
	 * @throws LitestreamException when the WAL cannot be fully backfilled now: the
	 * snapshot is postponed
	 */
	boolean freeze(EngineConnections sql, Instant noticedAt) throws IOException, SQLException {
		boolean changed = this.copier.copy(sql, noticedAt);
		try {
			sql.acquireWriteLock();
		}
		catch (SQLException ex) {
			throw new LitestreamException(
					"Snapshot of database '" + this.name + "' postponed: " + (SqliteErrors.isBusy(ex)
							? "writers held SQLite's write lock longer than the busy timeout" : ex.getMessage()),
					ex);
		}
		CheckpointResult result;
		try {
			long before = this.copier.requireShadow().size();
			result = backfillWholeWal(sql);
			changed |= this.copier.requireShadow().size() != before;
		}
		finally {
			sql.releaseWriteLock();
		}
		if (!result.fullyBackfilled()) {
			throw new LitestreamException(
					"Snapshot of database '" + this.name + "' postponed: only " + result.checkpointedFrames() + " of "
							+ result.walFrames() + " WAL frames could be checkpointed into the database file (a read "
							+ "transaction of the application holds the rest back); it is retried");
		}
		this.mark.freeze();
		return changed;
	}

	/**
	 * Takes SQLite's write lock and backfills the whole WAL, for the clean-shutdown
	 * record.
	 */
	CheckpointResult backfillUnderWriteLock(EngineConnections sql) throws IOException, SQLException {
		sql.acquireWriteLock();
		CheckpointResult result;
		try {
			result = backfillWholeWal(sql);
		}
		finally {
			sql.releaseWriteLock();
		}
		return result;
	}

	/**
	 * With SQLite's write lock held: copies the WAL's last frames, ends the read
	 * transaction and backfills the whole WAL into the database file (retrying while the
	 * application's checkpoint or readers hold it back), then takes the read transaction
	 * again, whatever failed: an engine without a read transaction cannot prove that the
	 * WAL did not restart under frames it has not copied. Writers are held off, so the
	 * shadow WAL then holds the whole WAL and the new read mark is at its end.
	 * @return the result of SQLite's last checkpoint
	 */
	private CheckpointResult backfillWholeWal(EngineConnections sql) throws IOException, SQLException {
		this.copier.copy(sql, this.clock.instant());
		this.mark.end(sql);
		SQLException notRetaken = null;
		CheckpointResult result;
		try {
			Failpoints.hit(Failpoints.CHECKPOINT_BACKFILL);
			result = sql.checkpointPassive();
			// The application's own (auto)checkpoint may still be running after its last
			// commit: with writers held off, it ends within milliseconds.
			for (int attempt = 0; attempt < CHECKPOINTER_RETRIES && result.otherCheckpointerRunning(); attempt++) {
				sleep(CHECKPOINTER_RETRY_DELAY);
				result = sql.checkpointPassive();
			}
			long deadline = System.nanoTime() + READER_WAIT.toNanos();
			while (result.walFrames() != result.checkpointedFrames() && System.nanoTime() < deadline) {
				sleep(READER_RETRY_DELAY);
				result = sql.checkpointPassive();
			}
		}
		finally {
			try {
				Failpoints.hit(Failpoints.CHECKPOINT_RETAKE_READ);
				this.mark.retake(sql);
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

	private static void sleep(Duration delay) {
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LitestreamException("Interrupted while waiting for a checkpoint");
		}
	}

}
