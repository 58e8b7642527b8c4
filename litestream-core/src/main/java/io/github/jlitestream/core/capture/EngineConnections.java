package io.github.jlitestream.core.capture;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.github.jlitestream.core.LitestreamException;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The engine's two SQLite connections to a database: the reader holds the long-running
 * read transaction that stops other connections from restarting the WAL under the engine,
 * and runs checkpoints; the locker takes SQLite's write lock (by a write that is always
 * rolled back) and makes the forced writes that start a new WAL.
 */
final class EngineConnections implements AutoCloseable {

	private Connection reader;

	/**
	 * A second reader: the read transaction moves to it, so that the engine never holds
	 * no read mark at all.
	 */
	private Connection spare;

	private final Connection locker;

	private final int pageSize;

	private EngineConnections(Connection reader, Connection spare, Connection locker, int pageSize) {
		this.reader = reader;
		this.spare = spare;
		this.locker = locker;
		this.pageSize = pageSize;
	}

	/**
	 * Opens the connections.
	 * @param create whether SQLite may create the file when it does not exist
	 */
	static EngineConnections open(Path path, Duration busyTimeout, boolean create) {
		Connection reader = null;
		Connection spare = null;
		Connection locker = null;
		try {
			reader = connect(path, busyTimeout, create);
			String mode;
			try (Statement statement = reader.createStatement();
					ResultSet rs = statement.executeQuery("PRAGMA journal_mode = wal")) {
				mode = rs.next() ? rs.getString(1) : "unknown";
			}
			catch (SQLException ex) {
				if (SqliteErrors.isNotADatabase(ex)) {
					throw ex;
				}
				throw new LitestreamException("Cannot switch " + path + " to WAL mode, which replication needs: "
						+ ex.getMessage() + ". SQLite must be able to create " + path.getFileName() + "-wal and "
						+ path.getFileName() + "-shm beside it: check the directory's permissions and that no "
						+ "other process holds an exclusive lock", ex);
			}
			if (!"wal".equalsIgnoreCase(mode)) {
				throw new LitestreamException("Cannot switch " + path + " to WAL mode (journal_mode stays '" + mode
						+ "'); replication needs WAL mode: check that the file is writable and not opened with "
						+ "exclusive locking by another process");
			}
			try (Statement statement = reader.createStatement()) {
				statement.execute("PRAGMA wal_autocheckpoint = 0");
				statement.execute("CREATE TABLE IF NOT EXISTS _litestream_seq (id INTEGER PRIMARY KEY, seq INTEGER)");
				statement.execute("CREATE TABLE IF NOT EXISTS _litestream_lock (id INTEGER)");
			}
			int pageSize;
			try (Statement statement = reader.createStatement();
					ResultSet rs = statement.executeQuery("PRAGMA page_size")) {
				rs.next();
				pageSize = rs.getInt(1);
			}
			locker = connect(path, busyTimeout, false);
			spare = connect(path, busyTimeout, false);
			for (Connection connection : new Connection[] { locker, spare }) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("PRAGMA wal_autocheckpoint = 0");
				}
			}
			return new EngineConnections(reader, spare, locker, pageSize);
		}
		catch (SQLException ex) {
			closeQuietly(spare);
			closeQuietly(locker);
			closeQuietly(reader);
			String message = String.valueOf(ex.getMessage());
			if (SqliteErrors.isNotADatabase(ex)) {
				throw new LitestreamException(path + " is not a SQLite database (" + message + ")", ex);
			}
			throw new LitestreamException("Cannot open SQLite database " + path + ": " + message, ex);
		}
		catch (RuntimeException ex) {
			closeQuietly(spare);
			closeQuietly(locker);
			closeQuietly(reader);
			throw ex;
		}
	}

	private static Connection connect(Path path, Duration busyTimeout, boolean create) throws SQLException {
		SQLiteConfig config = new SQLiteConfig();
		config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
		if (!create) {
			config.resetOpenMode(SQLiteOpenMode.CREATE);
		}
		return config.createConnection("jdbc:sqlite:" + path);
	}

	int pageSize() {
		return this.pageSize;
	}

	/**
	 * Starts the long-running read transaction; the SELECT is what takes SQLite's read
	 * lock.
	 */
	void beginRead() throws SQLException {
		this.reader.setAutoCommit(false);
		try (Statement statement = this.reader.createStatement();
				ResultSet rs = statement.executeQuery("SELECT COUNT(1) FROM _litestream_seq")) {
			rs.next();
		}
	}

	/**
	 * Moves the read transaction to the WAL's current end without ever holding none: the
	 * spare connection starts its transaction before the old one ends. While the engine
	 * holds a mark, no one can restart the WAL, so frames it has not copied yet stay in
	 * place.
	 */
	void refreshRead() throws SQLException {
		Connection previous = this.reader;
		this.reader = this.spare;
		this.spare = previous;
		try {
			beginRead();
		}
		catch (SQLException ex) {
			// the old read transaction, still held, stays the engine's
			Connection failed = this.reader;
			this.reader = previous;
			this.spare = failed;
			try {
				failed.rollback();
				failed.setAutoCommit(true);
			}
			catch (SQLException cleanup) {
				ex.addSuppressed(cleanup);
			}
			throw ex;
		}
		if (!previous.getAutoCommit()) {
			previous.setAutoCommit(true);
		}
	}

	/**
	 * A passive checkpoint that runs while the engine keeps its read mark: it backfills
	 * up to that mark (everything the engine has copied) without taking SQLite's write
	 * lock, so writers go on.
	 */
	CheckpointResult checkpointUpToReadMark() throws SQLException {
		return passiveCheckpoint(this.locker);
	}

	void endRead() throws SQLException {
		if (!this.reader.getAutoCommit()) {
			this.reader.setAutoCommit(true);
		}
	}

	/**
	 * Takes SQLite's write lock: application writers wait (busy) until
	 * {@link #releaseWriteLock()}.
	 */
	void acquireWriteLock() throws SQLException {
		this.locker.setAutoCommit(false);
		try (Statement statement = this.locker.createStatement()) {
			statement.execute("INSERT INTO _litestream_lock (id) VALUES (1)");
		}
		catch (SQLException ex) {
			this.locker.rollback();
			this.locker.setAutoCommit(true);
			throw ex;
		}
	}

	void releaseWriteLock() throws SQLException {
		this.locker.rollback();
		this.locker.setAutoCommit(true);
	}

	/** Runs a passive checkpoint outside any transaction of the reader. */
	CheckpointResult checkpointPassive() throws SQLException {
		return passiveCheckpoint(this.reader);
	}

	private static CheckpointResult passiveCheckpoint(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
			rs.next();
			return new CheckpointResult(rs.getInt(1) != 0, rs.getInt(2), rs.getInt(3));
		}
	}

	/**
	 * Writes to {@code _litestream_seq}, so that SQLite starts a new WAL lifetime when
	 * the old one is fully backfilled; with {@code shrink} the WAL file is cut down to
	 * what that write needs.
	 */
	void forceWrite(boolean shrink) throws SQLException {
		try (Statement statement = this.locker.createStatement()) {
			if (shrink) {
				statement.execute("PRAGMA journal_size_limit = 0");
			}
			statement.execute("INSERT INTO _litestream_seq (id, seq) VALUES (1, 1) "
					+ "ON CONFLICT (id) DO UPDATE SET seq = seq + 1");
			if (shrink) {
				statement.execute("PRAGMA journal_size_limit = -1");
			}
		}
	}

	@Override
	public void close() {
		closeQuietly(this.spare);
		closeQuietly(this.locker);
		closeQuietly(this.reader);
	}

	private static void closeQuietly(@Nullable Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// closing is best effort; SQLite releases its locks with the handle
			}
		}
	}

}
