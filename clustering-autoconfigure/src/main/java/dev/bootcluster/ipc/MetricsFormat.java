package dev.bootcluster.ipc;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The Prometheus exposition formats a cluster scrape is merged in.
 */
public enum MetricsFormat {

	/** Prometheus text format 0.0.4. */
	TEXT,

	/** OpenMetrics 1.0. */
	OPENMETRICS;

	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
