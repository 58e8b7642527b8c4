package io.github.jlitestream.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an invalid Litestream property at startup: which property, what is wrong and
 * how to fix it.
 */
class LitestreamFailureAnalyzer extends AbstractFailureAnalyzer<LitestreamConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, LitestreamConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
