package io.github.jlitestream.core.capture;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The engine's long-running read transaction, as the proof of continuity between two
 * copies uses it.
 * <p>
 * The mark is held when the read transaction was taken before the last copy of the WAL,
 * so that the shadow WAL reaches at least the read mark. While it holds, no writer can
 * restart the WAL under frames the engine has not copied (a mark on one of SQLite's read
 * slots 1 to N blocks every restart; a mark on slot 0, taken when the WAL was fully
 * backfilled, blocks every backfill, so a restart can only follow the lifetime as it was
 * copied), and the only change of the WAL header the next copy can find is one restart:
 * the next header that SQLite writes, salt-1 one more. Without it (after open, or when a
 * failure left the engine without a read transaction) a new header is only accepted when
 * the old lifetime's copied end is provably intact ({@link WalCopier}). So every move of
 * the read transaction is followed by a copy, and one ended for a backfill is taken again
 * whatever failed.
 * <p>
 * Created by the {@link WalCopier} whose copies it judges. Every method runs with
 * {@link Database}'s lock held.
 */
final class ReadMark {

	private final WalCopier copier;

	/** Whether the read transaction was taken before the last copy of the WAL. */
	private boolean held;

	/**
	 * Set when the read transaction was taken where it may read the database file only;
	 * see markCopiedEnd.
	 */
	private boolean mayBeOnDatabaseFile;

	/**
	 * Snapshots being read from a frozen database file: the read transaction must not
	 * move meanwhile.
	 */
	private int frozenReads;

	ReadMark(WalCopier copier) {
		this.copier = copier;
	}

	boolean held() {
		return this.held;
	}

	/** Takes the read transaction on connections just opened. */
	void begin(EngineConnections sql) throws SQLException {
		sql.beginRead();
		// Nothing is copied yet: until the first copy proves where the WAL stands, a new
		// WAL header is only accepted when the old lifetime's copied end is intact (a
		// fully backfilled WAL puts this read on slot 0, which does not stop a restart).
		this.held = false;
		this.mayBeOnDatabaseFile = true;
	}

	/**
	 * After a copy: takes the mark when the engine holds none, otherwise moves it off the
	 * database file when it may be there ({@link #markCopiedEnd}).
	 * @param copied whether that copy changed the shadow WAL
	 * @return whether the copy that follows a move changed the shadow WAL
	 */
	boolean afterCopy(EngineConnections sql, boolean copied, Instant noticedAt) throws IOException, SQLException {
		if (!this.held) {
			return take(sql, noticedAt);
		}
		return markCopiedEnd(sql, copied, noticedAt);
	}

	/**
	 * Takes the read transaction again after the engine had none (or had not copied since
	 * taking it): the copy that follows still judges a changed WAL header strictly, then
	 * the mark holds.
	 */
	private boolean take(EngineConnections sql, Instant noticedAt) throws IOException, SQLException {
		boolean copied = move(sql, noticedAt);
		this.held = true;
		this.mayBeOnDatabaseFile = true;
		return copied;
	}

	/**
	 * Moves the read transaction to the WAL's current end, then copies again, so that the
	 * shadow WAL reaches the new mark: a mark beyond the copied end would let frames
	 * between the two be backfilled and, once the engine's read lands on slot 0, a
	 * restart overwrite them uncopied.
	 */
	private boolean move(EngineConnections sql, Instant noticedAt) throws IOException, SQLException {
		sql.refreshRead();
		return this.copier.copy(sql, noticedAt);
	}

	/**
	 * Moves the read transaction to the end of what was just copied when it may read the
	 * database file only: SQLite puts a read transaction there when the WAL is fully
	 * backfilled (at open, for instance), and from there it blocks every backfill, even
	 * of what the engine has copied, which the application's auto-checkpoint pays for
	 * after each commit.
	 */
	private boolean markCopiedEnd(EngineConnections sql, boolean copied, Instant noticedAt)
			throws IOException, SQLException {
		if (copied && this.mayBeOnDatabaseFile && this.frozenReads == 0) {
			return leaveDatabaseFile(sql, noticedAt);
		}
		return false;
	}

	/**
	 * Moves the read transaction, which may read the database file only, to the WAL's
	 * copied end.
	 */
	boolean leaveDatabaseFile(EngineConnections sql, Instant noticedAt) throws IOException, SQLException {
		boolean more = move(sql, noticedAt);
		this.mayBeOnDatabaseFile = false;
		return more;
	}

	/**
	 * Ends the read transaction, for a backfill of the whole WAL under SQLite's write
	 * lock.
	 */
	void end(EngineConnections sql) throws SQLException {
		sql.endRead();
		this.held = false;
	}

	/**
	 * Takes the read transaction again after that backfill, still under the write lock,
	 * so the mark holds.
	 */
	void retake(EngineConnections sql) throws SQLException {
		sql.beginRead();
		this.held = true;
	}

	/**
	 * A snapshot starts reading the database file, which the read transaction taken again
	 * after a full backfill (on slot 0, or at the WAL's end) keeps frozen until
	 * {@link #thaw()}.
	 */
	void freeze() {
		this.frozenReads++;
		this.mayBeOnDatabaseFile = true;
	}

	/** Whether a snapshot is reading the database file that this mark holds still. */
	boolean frozen() {
		return this.frozenReads > 0;
	}

	void thaw() {
		this.frozenReads--;
	}

}
