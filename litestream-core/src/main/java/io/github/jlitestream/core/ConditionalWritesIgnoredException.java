package io.github.jlitestream.core;

/**
 * A store replaced an object that a conditional create ({@code If-None-Match: *}) should
 * have kept. Neither the lease (one writer per replica) nor the create-only objects can
 * be relied on there, so replication to it is refused.
 *
 * @since 0.1.0
 */
public class ConditionalWritesIgnoredException extends LitestreamException {

	private static final long serialVersionUID = 1L;

	public ConditionalWritesIgnoredException(String message) {
		super(message);
	}

}
