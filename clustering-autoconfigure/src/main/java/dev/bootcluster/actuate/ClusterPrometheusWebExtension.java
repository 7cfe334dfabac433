package dev.bootcluster.actuate;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;

import dev.bootcluster.ipc.MetricsFormat;
import dev.bootcluster.worker.ClusterClient;
import dev.bootcluster.worker.ClusterOperationException;

/**
 * {@code /actuator/prometheus} for the whole cluster: whichever worker a scrape reaches,
 * it answers with the series of every live worker, each labelled {@code worker="<id>"},
 * and the primary's own {@code cluster_*} families, in the text format or OpenMetrics as
 * asked. A {@code name[]} filter applies to this worker's series alone and is answered by
 * it; the protobuf format is answered in the text format.
 */
@EndpointWebExtension(endpoint = PrometheusScrapeEndpoint.class)
public class ClusterPrometheusWebExtension {

	private final PrometheusScrapeEndpoint endpoint;

	private final ClusterClient client;

	public ClusterPrometheusWebExtension(PrometheusScrapeEndpoint endpoint, ClusterClient client) {
		this.endpoint = endpoint;
		this.client = client;
	}

	@ReadOperation(producesFrom = PrometheusOutputFormat.class)
	public WebEndpointResponse<byte[]> scrape(PrometheusOutputFormat format, @Nullable Set<String> includedNames) {
		if (includedNames != null) {
			return this.endpoint.scrape(format, includedNames);
		}
		boolean openMetrics = format == PrometheusOutputFormat.CONTENT_TYPE_OPENMETRICS_100;
		try {
			String exposition = this.client.metrics(openMetrics ? MetricsFormat.OPENMETRICS : MetricsFormat.TEXT);
			return new WebEndpointResponse<>(exposition.getBytes(StandardCharsets.UTF_8),
					openMetrics ? format : PrometheusOutputFormat.CONTENT_TYPE_004);
		}
		catch (ClusterOperationException ex) {
			return new WebEndpointResponse<>(ex.getMessage().getBytes(StandardCharsets.UTF_8),
					WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
		}
	}

	/**
	 * This worker's own metrics, for the primary's scrape of the cluster.
	 * @param format the exposition format
	 * @return the exposition
	 */
	public String local(MetricsFormat format) {
		PrometheusOutputFormat output = (format == MetricsFormat.OPENMETRICS)
				? PrometheusOutputFormat.CONTENT_TYPE_OPENMETRICS_100 : PrometheusOutputFormat.CONTENT_TYPE_004;
		byte[] body = this.endpoint.scrape(output, null).getBody();
		return (body != null) ? new String(body, StandardCharsets.UTF_8) : "";
	}

}
