package io.github.jlitestream.core.capture;

import java.sql.SQLException;

/**
 * What a failed SQLite call means, read from the driver's message: sqlite-jdbc reports
 * SQLite's result code in the text, and the code alone decides whether the engine
 * retries, postpones or gives up.
 */
final class SqliteErrors {

	private SqliteErrors() {
	}

	/** Another connection held the lock longer than the busy timeout. */
	static boolean isBusy(SQLException ex) {
		String message = String.valueOf(ex.getMessage());
		return message.contains("SQLITE_BUSY") || message.contains("database is locked");
	}

	/** The file is not a SQLite database. */
	static boolean isNotADatabase(SQLException ex) {
		String message = String.valueOf(ex.getMessage());
		return message.contains("NOTADB") || message.contains("not a database");
	}

}
