package io.github.jlitestream.cli;

/**
 * The exit codes a script can rely on.
 */
final class ExitCode {

	/** Done. */
	static final int OK = 0;

	/** Failed: the store cannot be reached, a file cannot be written, anything else. */
	static final int FAILURE = 1;

	/** Bad usage: an unknown command or flag, a missing argument, a bad value. */
	static final int USAGE = 2;

	/** The replica holds no backup that matches. */
	static final int NO_BACKUP = 3;

	/** The replica is damaged: an object is corrupt, missing or cannot be decrypted. */
	static final int DAMAGED = 4;

	private ExitCode() {
	}

}
