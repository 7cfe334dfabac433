package dev.bootcluster.worker;

import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.MetricsFormat;

/**
 * Answers the primary's scrape requests with this worker's own metrics, once the
 * application exposes them (a Prometheus registry); until then, and without one, the
 * answer is empty.
 */
final class WorkerMetrics {

	private static final Log logger = LogFactory.getLog(WorkerMetrics.class);

	private volatile @Nullable Function<MetricsFormat, String> source;

	private volatile @Nullable PrimaryConnection connection;

	void source(Function<MetricsFormat, String> source) {
		this.source = source;
	}

	void reportTo(PrimaryConnection connection) {
		this.connection = connection;
	}

	void scrape(ClusterMessage.ScrapeRequest request) {
		Function<MetricsFormat, String> source = this.source;
		String exposition = "";
		try {
			if (source != null) {
				exposition = source.apply(request.format());
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Failed to read this worker's metrics: " + ex);
		}
		PrimaryConnection connection = this.connection;
		if (connection != null) {
			connection.send(new ClusterMessage.ScrapeReply(request.scrape(), exposition));
		}
	}

}
