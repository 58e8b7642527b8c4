package io.github.jlitestream.core.capture;

import io.github.jlitestream.core.LitestreamException;

/**
 * The database file was deleted or replaced by another file while it was replicated; the
 * engine reopens it and starts a new generation.
 *
 * @since 0.1.0
 */
public class DatabaseReplacedException extends LitestreamException {

	private final String reason;

	DatabaseReplacedException(String message) {
		this(message, "database file replaced");
	}

	/**
	 * Creates the exception.
	 * @param message what happened, for the log
	 * @param reason the short reason of the generation that the reopened database starts
	 */
	DatabaseReplacedException(String message, String reason) {
		super(message);
		this.reason = reason;
	}

	/** The short reason of the generation that the reopened database starts. */
	public String reason() {
		return this.reason;
	}

}
