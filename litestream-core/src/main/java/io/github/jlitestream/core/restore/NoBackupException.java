package io.github.jlitestream.core.restore;

import io.github.jlitestream.core.LitestreamException;

/**
 * The replica holds no backup that matches the restore's target.
 *
 * @since 0.1.0
 */
public class NoBackupException extends LitestreamException {

	public NoBackupException(String message) {
		super(message);
	}

}
