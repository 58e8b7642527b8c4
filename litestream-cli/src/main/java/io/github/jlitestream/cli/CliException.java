package io.github.jlitestream.cli;

/**
 * A failure the command line reports in one line, with the exit code it means.
 */
class CliException extends RuntimeException {

	private final int exitCode;

	CliException(int exitCode, String message) {
		super(message);
		this.exitCode = exitCode;
	}

	CliException(int exitCode, String message, Throwable cause) {
		super(message, cause);
		this.exitCode = exitCode;
	}

	static CliException usage(String message) {
		return new CliException(ExitCode.USAGE, message);
	}

	int exitCode() {
		return this.exitCode;
	}

}
