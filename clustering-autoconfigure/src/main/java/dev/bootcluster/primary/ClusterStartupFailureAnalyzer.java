package dev.bootcluster.primary;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains why the primary could not start the cluster in Spring Boot's startup failure
 * report.
 */
class ClusterStartupFailureAnalyzer extends AbstractFailureAnalyzer<ClusterStartupException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ClusterStartupException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
