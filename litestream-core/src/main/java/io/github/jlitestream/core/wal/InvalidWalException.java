package io.github.jlitestream.core.wal;

import io.github.jlitestream.core.LitestreamException;

/**
 * Bytes that should be a SQLite WAL (or part of one) are not valid.
 *
 * @since 0.1.0
 */
public class InvalidWalException extends LitestreamException {

	public InvalidWalException(String message) {
		super(message);
	}

}
