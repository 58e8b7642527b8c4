package io.github.jlitestream.s3;

import java.io.IOException;

/**
 * The stream of an {@link io.github.jlitestream.core.ObjectContent} did not hold
 * {@code length()} bytes.
 */
final class ContentLengthMismatchException extends IOException {

	private static final long serialVersionUID = 1L;

	ContentLengthMismatchException(String message) {
		super(message);
	}

}
