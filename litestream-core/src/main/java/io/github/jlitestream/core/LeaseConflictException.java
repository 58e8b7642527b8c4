package io.github.jlitestream.core;

import java.io.IOException;

/**
 * A conditional replace or delete of a replica's lease object was refused: the object is
 * not the version the caller read (another instance wrote or removed it since). Nothing
 * was changed.
 *
 * @since 0.1.0
 */
public class LeaseConflictException extends IOException {

	private static final long serialVersionUID = 1L;

	public LeaseConflictException(String message) {
		super(message);
	}

	public LeaseConflictException(String message, Throwable cause) {
		super(message, cause);
	}

}
