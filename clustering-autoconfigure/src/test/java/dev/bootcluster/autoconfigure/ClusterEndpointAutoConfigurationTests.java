package dev.bootcluster.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.bootcluster.actuate.ClusterEndpoint;
import dev.bootcluster.actuate.ClusterHealthIndicator;
import dev.bootcluster.worker.ClusterClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

class ClusterEndpointAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterEndpointAutoConfiguration.class));

	@Test
	void outsideAWorkerThereIsNoEndpointAndNoHealthContributor() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=cluster")
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterEndpoint.class)
				.doesNotHaveBean(ClusterHealthIndicator.class));
	}

	@Test
	void inAWorkerTheEndpointExistsOnlyWhenExposed() {
		this.runner.withUserConfiguration(FakeClusterConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterEndpoint.class)
				.hasSingleBean(ClusterHealthIndicator.class));
		this.runner.withUserConfiguration(FakeClusterConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=cluster")
			.run((context) -> assertThat(context).hasSingleBean(ClusterEndpoint.class));
	}

	@Test
	void theEndpointCanBeTurnedOffAndTheHealthContributorDisabled() {
		this.runner.withUserConfiguration(FakeClusterConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=cluster",
					"management.endpoint.cluster.access=NONE", "management.health.cluster.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterEndpoint.class)
				.doesNotHaveBean(ClusterHealthIndicator.class));
	}

	@Test
	void aUserDefinedEndpointWins() {
		this.runner.withUserConfiguration(FakeClusterConfiguration.class, CustomEndpointConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=cluster")
			.run((context) -> assertThat(context).getBean(ClusterEndpoint.class)
				.isSameAs(context.getBean(CustomEndpointConfiguration.class).endpoint));
	}

	@Configuration(proxyBeanMethods = false)
	static class FakeClusterConfiguration {

		@Bean
		ClusterClient clusterClient() {
			return mock(ClusterClient.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomEndpointConfiguration {

		final ClusterEndpoint endpoint = new ClusterEndpoint(mock(ClusterClient.class));

		@Bean
		ClusterEndpoint customClusterEndpoint() {
			return this.endpoint;
		}

	}

}
