package io.github.jlitestream.core;

/**
 * The database file was deleted or replaced by another file while it was replicated; the engine reopens it and
 * starts a new generation.
 *
 * @since 0.1.0
 */
public class DatabaseReplacedException extends LitestreamException {

	public DatabaseReplacedException(String message) {
		super(message);
	}

}
