package io.github.jlitestream.autoconfigure;

/**
 * A missing database could not be restored at startup.
 *
 * @since 0.1.0
 */
public class LitestreamRestoreException extends RuntimeException {

	private final String database;

	public LitestreamRestoreException(String database, String message, Throwable cause) {
		super(message, cause);
		this.database = database;
	}

	/** The logical name of the database. */
	public String database() {
		return this.database;
	}

}
