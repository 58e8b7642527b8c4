package io.github.jlitestream.benchmarks;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

import io.github.jlitestream.core.support.Sql;
import org.jspecify.annotations.Nullable;

/**
 * The application: one connection ({@code journal_mode=WAL}, {@code synchronous=NORMAL},
 * {@code busy_timeout=10000}, as {@link Sql#connect(Path)} opens it) committing one-row
 * transactions of a 100-byte random payload. The row id is the commit's sequence number,
 * so commits are numbered monotonically.
 */
final class SqliteWriter implements AutoCloseable {

	static final int PAYLOAD_BYTES = 100;

	private final Connection connection;

	private final PreparedStatement insert;

	private final SplittableRandom random = new SplittableRandom(42);

	private final byte[] payload = new byte[PAYLOAD_BYTES];

	private long nextId = 1;

	private SqliteWriter(Connection connection) throws SQLException {
		this.connection = connection;
		this.insert = connection.prepareStatement("INSERT INTO t (id, payload) VALUES (?, ?)");
	}

	/**
	 * Opens (creating) the database and its table; with
	 * {@code -Dbenchmarks.noAutocheckpoint=true} the connection leaves checkpoints to the
	 * replicator ({@code PRAGMA wal_autocheckpoint = 0}).
	 */
	static SqliteWriter open(Path database) throws SQLException {
		return open(database, Boolean.getBoolean("benchmarks.noAutocheckpoint") ? 0 : null);
	}

	/**
	 * Opens (creating) the database and its table.
	 * @param walAutocheckpoint the connection's {@code PRAGMA wal_autocheckpoint} in
	 * pages, or null for SQLite's default (1,000); 0 is Litestream's tip for write-heavy
	 * servers, above the replicator's max page count (the README's advice) leaves
	 * checkpoints to the replicator while it runs
	 */
	static SqliteWriter open(Path database, @Nullable Integer walAutocheckpoint) throws SQLException {
		Connection connection = Sql.connect(database);
		try {
			Sql.execute(connection, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
			if (walAutocheckpoint != null) {
				Sql.execute(connection, "PRAGMA wal_autocheckpoint = " + walAutocheckpoint);
			}
			return new SqliteWriter(connection);
		}
		catch (SQLException | RuntimeException ex) {
			connection.close();
			throw ex;
		}
	}

	/** Commits one row (autocommit: one transaction) and returns its id. */
	long commit() throws SQLException {
		this.random.nextBytes(this.payload);
		long id = this.nextId++;
		this.insert.setLong(1, id);
		this.insert.setBytes(2, this.payload);
		this.insert.executeUpdate();
		return id;
	}

	/** The payload of the last commit. */
	byte[] lastPayload() {
		return this.payload;
	}

	/**
	 * Commits {@code count} transactions as fast as possible; returns the elapsed
	 * nanoseconds.
	 */
	long commitMany(int count) throws SQLException {
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			commit();
		}
		return System.nanoTime() - start;
	}

	/**
	 * Commits {@code count} transactions, one every {@code periodNanos} (as fast as
	 * possible when behind).
	 */
	long commitPaced(int count, long periodNanos) throws SQLException {
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			pace(start + i * periodNanos);
			commit();
		}
		return System.nanoTime() - start;
	}

	/** Waits until {@code due} (a {@link System#nanoTime()} value). */
	static void pace(long due) {
		long wait;
		while ((wait = due - System.nanoTime()) > 0) {
			LockSupport.parkNanos(wait);
		}
	}

	@Override
	public void close() throws SQLException {
		try {
			this.insert.close();
		}
		finally {
			this.connection.close();
		}
	}

}
