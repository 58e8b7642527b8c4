package io.github.jlitestream.core;

/**
 * Base of the engine's errors. Messages are written for the operator who reads them: what
 * failed, on which database, replica or object, and what to do.
 *
 * @since 0.1.0
 */
public class LitestreamException extends RuntimeException {

	public LitestreamException(String message) {
		super(message);
	}

	public LitestreamException(String message, Throwable cause) {
		super(message, cause);
	}

}
