package io.github.jlitestream.core.ship;

import io.github.jlitestream.core.LitestreamException;

/**
 * The store holds WAL of the database's current generation that this database did not
 * write: another instance wrote the generation further (from a copy of the same database:
 * a restored or cloned disk).
 *
 * @since 0.1.0
 */
public class ForeignWalException extends LitestreamException {

	private static final long serialVersionUID = 1L;

	public ForeignWalException(String message) {
		super(message);
	}

}
