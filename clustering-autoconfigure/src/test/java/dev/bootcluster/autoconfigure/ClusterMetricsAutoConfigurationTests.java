package dev.bootcluster.autoconfigure;

import java.nio.file.Path;
import java.util.Properties;

import io.micrometer.observation.ObservationPredicate;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.bootcluster.actuate.ClusterPrometheusWebExtension;
import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.worker.ClusterClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class ClusterMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterMetricsAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=prometheus");

	@Test
	void outsideAWorkerTheScrapeIsLeftAlone() {
		this.runner.withUserConfiguration(ScrapeEndpointConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterPrometheusWebExtension.class)
				.doesNotHaveBean(ObservationPredicate.class));
	}

	@Test
	void inAWorkerTheScrapeAnswersForTheClusterAndWarmupIsNotObserved() {
		this.runner.withUserConfiguration(ScrapeEndpointConfiguration.class, WorkerConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(ClusterPrometheusWebExtension.class)
				.hasSingleBean(ObservationPredicate.class));
	}

	@Test
	void aggregationCanBeTurnedOffSoEachWorkerReportsItself() {
		this.runner.withUserConfiguration(ScrapeEndpointConfiguration.class, WorkerConfiguration.class)
			.withPropertyValues("app.cluster.metrics.aggregate=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterPrometheusWebExtension.class)
				.hasSingleBean(ObservationPredicate.class));
	}

	@Test
	void withoutTheScrapeEndpointThereIsNothingToAggregate() {
		this.runner.withUserConfiguration(WorkerConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterPrometheusWebExtension.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class ScrapeEndpointConfiguration {

		@Bean
		PrometheusScrapeEndpoint prometheusEndpoint() {
			return new PrometheusScrapeEndpoint(new PrometheusRegistry(), new Properties());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WorkerConfiguration {

		@Bean
		WorkerLaunch workerLaunch() {
			return new WorkerLaunch(0, 2, Path.of("ipc.sock"), "secret", 8080, null, 1, null, null, 0, null,
					WorkerLaunch.Start.ADDING);
		}

		@Bean
		ClusterClient clusterClient() {
			return mock(ClusterClient.class);
		}

	}

}
