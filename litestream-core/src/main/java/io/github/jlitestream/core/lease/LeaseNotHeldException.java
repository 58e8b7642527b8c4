package io.github.jlitestream.core.lease;

import java.io.IOException;

/**
 * A write to a replica was refused before it was sent: this instance does not hold the
 * replica's lease, or has not renewed it in time.
 *
 * @since 0.1.0
 */
public class LeaseNotHeldException extends IOException {

	private static final long serialVersionUID = 1L;

	public LeaseNotHeldException(String message) {
		super(message);
	}

}
