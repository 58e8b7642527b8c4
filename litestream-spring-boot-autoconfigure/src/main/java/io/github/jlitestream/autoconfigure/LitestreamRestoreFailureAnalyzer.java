package io.github.jlitestream.autoconfigure;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.security.GeneralSecurityException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains why the application did not start when its database was missing and could not
 * be restored.
 */
class LitestreamRestoreFailureAnalyzer extends AbstractFailureAnalyzer<LitestreamRestoreException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, LitestreamRestoreException cause) {
		String prefix = "litestream.databases." + cause.database();
		return new FailureAnalysis(cause.getMessage(), fix(cause, prefix) + " The application does not start on an "
				+ "empty database: it would be replicated as a new generation and, after the retention period, the "
				+ "real backup would be deleted. To start empty on purpose, set " + prefix + ".restore.mode=never.",
				cause);
	}

	/** What to fix, from the cause: the key, the local directory, or the store. */
	private static String fix(LitestreamRestoreException cause, String prefix) {
		for (Throwable t = cause.getCause(); t != null; t = t.getCause()) {
			String message = String.valueOf(t.getMessage());
			if (t instanceof GeneralSecurityException || message.contains("encrypt") || message.contains("key id")) {
				return "Check the replica's encryption key (" + prefix + ".replicas.<name>.encryption.key, and "
						+ ".encryption.keys for objects written before a rotation): the key id above names the key "
						+ "the objects were encrypted with.";
			}
			if (t instanceof AccessDeniedException || t instanceof FileSystemException) {
				return "Check the database's directory (" + prefix + ".path): the application must be able to "
						+ "create files there.";
			}
		}
		return "Fix the cause above (store reachable, credentials, a damaged object) and start again.";
	}

}
