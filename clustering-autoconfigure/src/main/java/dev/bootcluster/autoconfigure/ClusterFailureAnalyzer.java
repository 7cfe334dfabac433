package dev.bootcluster.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an invalid {@code app.cluster.*} property in Spring Boot's startup failure
 * report.
 */
class ClusterFailureAnalyzer extends AbstractFailureAnalyzer<InvalidClusterPropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidClusterPropertyException cause) {
		String description = "Invalid value '" + cause.getValue() + "' for property '" + cause.getProperty() + "'.";
		String action = "Set '" + cause.getProperty() + "' to " + cause.getAccepted() + ".";
		return new FailureAnalysis(description, action, cause);
	}

}
