package dev.bootcluster.actuate;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.worker.ClusterClient;
import dev.bootcluster.worker.ClusterOperationException;

import static org.assertj.core.api.Assertions.assertThat;

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

	@Test
	void healthIsDownWhenNoWorkerIsReadyOrThePrimaryDoesNotAnswer() {
		assertThat(new ClusterHealthIndicator(new FakeClient(2, 2)).health().getStatus()).isEqualTo(Status.UP);
		assertThat(new ClusterHealthIndicator(new FakeClient(2, 0)).health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(new ClusterHealthIndicator(new FakeClient(-1, 0)).health().getDetails()).containsKey("error");
	}

	@Test
	void operationsAnswerWithTheRightStatus() {
		ClusterEndpoint endpoint = new ClusterEndpoint(new FakeClient(2, 2));
		assertThat(endpoint.operate("reload", null).getStatus()).isEqualTo(202);
		assertThat(endpoint.operate("reload", "3").getStatus()).isEqualTo(400);
		assertThat(endpoint.operate("scale", null).getStatus()).isEqualTo(400);
		assertThat(endpoint.operate("scale", "3").getBody()).isEqualTo(java.util.Map.of("from", 2, "to", 3));
		assertThat(endpoint.operate("scale", "abc").getStatus()).isEqualTo(400);
		assertThat(endpoint.operate("restart", null).getStatus()).isEqualTo(400);
		assertThat(endpoint.reloadStatus("other").getStatus()).isEqualTo(WebEndpointResponse.STATUS_NOT_FOUND);
		assertThat(new ClusterEndpoint(new FakeClient(-1, 0)).cluster().getStatus())
			.isEqualTo(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
	}

	@Configuration(proxyBeanMethods = false)
	static class FakeClusterConfiguration {

		@Bean
		ClusterClient clusterClient() {
			return new FakeClient(2, 2);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomEndpointConfiguration {

		final ClusterEndpoint endpoint = new ClusterEndpoint(new FakeClient(1, 1));

		@Bean
		ClusterEndpoint customClusterEndpoint() {
			return this.endpoint;
		}

	}

	record FakeClient(int configured, int ready) implements ClusterClient {

		@Override
		public ClusterStatus status() {
			if (this.configured < 0) {
				throw new ClusterOperationException("The primary did not answer within 5 s", false);
			}
			return new ClusterStatus(1, Instant.now(), 10, 1 << 20, this.configured, this.ready, 8080, null,
					"inherited-socket", List.of(), null);
		}

		@Override
		public ReloadTicket reload() {
			return new ReloadTicket("1", true);
		}

		@Override
		public Scaling scale(String instances) {
			if (!instances.matches("\\d+")) {
				throw new ClusterOperationException("Invalid value '" + instances + "'", true);
			}
			return new Scaling(this.configured, Integer.parseInt(instances));
		}

	}

}
