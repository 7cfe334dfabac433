package dev.bootcluster.autoconfigure;

import jakarta.servlet.http.HttpServletRequest;
import io.micrometer.observation.ObservationPredicate;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

import dev.bootcluster.actuate.ClusterPrometheusWebExtension;
import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.server.AcceptGate;
import dev.bootcluster.worker.ClusterClient;
import dev.bootcluster.worker.WorkerAgent;
import dev.bootcluster.worker.WorkerWarmup;

/**
 * A worker's metrics in a cluster: {@code /actuator/prometheus} answers for every worker
 * (unless {@code app.cluster.metrics.aggregate=false}), and the warm-up requests a worker
 * serves itself stay out of {@code http.server.requests}.
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnBean(WorkerLaunch.class)
public final class ClusterMetricsAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ PrometheusScrapeEndpoint.class, PrometheusMetricsExportAutoConfiguration.class })
	@ConditionalOnBean({ PrometheusScrapeEndpoint.class, ClusterClient.class })
	@ConditionalOnAvailableEndpoint(PrometheusScrapeEndpoint.class)
	@ConditionalOnProperty(name = "app.cluster.metrics.aggregate", matchIfMissing = true)
	static class AggregatedScrapeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClusterPrometheusWebExtension clusterPrometheusWebExtension(PrometheusScrapeEndpoint endpoint,
				ClusterClient client) {
			return new ClusterPrometheusWebExtension(endpoint, client);
		}

		@Bean
		@ConditionalOnBean(WorkerAgent.class)
		SmartInitializingSingleton clusterMetricsSource(WorkerAgent agent, ClusterPrometheusWebExtension extension) {
			return () -> agent.exposeMetrics(extension::local);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ObservationPredicate.class, ServerRequestObservationContext.class, HttpServletRequest.class })
	static class WarmupObservationConfiguration {

		/**
		 * The warm-up requests a worker serves itself before it takes connections are not
		 * the application's traffic: leave them out of its request metrics.
		 * @return the predicate
		 */
		@Bean
		ObservationPredicate clusterWarmupObservations() {
			return (name,
					context) -> !(context instanceof ServerRequestObservationContext server
							&& server.getCarrier().getHeader(WorkerWarmup.WARMUP_HEADER) != null
							&& !AcceptGate.inheritedSocket().isOpen());
		}

	}

}
