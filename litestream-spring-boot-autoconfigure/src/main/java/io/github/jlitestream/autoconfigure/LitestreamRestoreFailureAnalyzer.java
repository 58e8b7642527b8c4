package io.github.jlitestream.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains why the application did not start when its database was missing and could not
 * be restored.
 */
class LitestreamRestoreFailureAnalyzer extends AbstractFailureAnalyzer<LitestreamRestoreException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, LitestreamRestoreException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the cause above (store reachable, credentials, a damaged object) and start again. The application "
						+ "does not start on an empty database: it would be replicated as a new generation and, after the "
						+ "retention period, the real backup would be deleted. To start empty on purpose, set "
						+ "litestream.databases." + cause.database() + ".restore.mode=never.",
				cause);
	}

}
