package dev.bootcluster.config;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ClusterPropertiesBinderTests {

	@Test
	void bindsEveryGroupWithDefaultsForWhatIsNotSet() {
		MockEnvironment environment = new MockEnvironment().withProperty("app.cluster.instances", "max")
			.withProperty("app.cluster.restart.max-attempts", "3")
			.withProperty("app.cluster.worker.jvm-args", "-Xss512k,-Dfoo=bar");
		ClusterProperties properties = ClusterPropertiesBinder.bind(environment);
		assertThat(properties.isClusterRequested()).isTrue();
		assertThat(properties.getRestart().getMaxAttempts()).isEqualTo(3);
		assertThat(properties.getRestart().getInitialBackoff()).isEqualTo(Duration.ofSeconds(1));
		assertThat(properties.getStartupTimeout()).isEqualTo(Duration.ofSeconds(60));
		assertThat(properties.getWorker().getJvmArgs()).containsExactly("-Xss512k", "-Dfoo=bar");
	}

	@Test
	void aValueThatDoesNotConvertNamesThePropertyTheValueAndTheAcceptedForm() {
		MockEnvironment environment = new MockEnvironment().withProperty("app.cluster.startup-timeout", "soon");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterPropertiesBinder.bind(environment))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("app.cluster.startup-timeout"))
			.satisfies((ex) -> assertThat(ex.getValue()).isEqualTo("soon"))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo("Expected a duration such as 500ms, 30s or 2m."));
	}

	@Test
	void aDurationOutOfRangeIsReportedInTheUnitsAUserWrites() {
		MockEnvironment environment = new MockEnvironment().withProperty("app.cluster.shutdown-timeout", "0s");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterPropertiesBinder.bind(environment))
			.satisfies((ex) -> assertThat(ex.getValue()).isEqualTo("0s"))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("app.cluster.shutdown-timeout"));
	}

	@Test
	void maxBackoffShorterThanTheInitialBackoffIsRejected() {
		MockEnvironment environment = new MockEnvironment().withProperty("app.cluster.restart.initial-backoff", "5s")
			.withProperty("app.cluster.restart.max-backoff", "1s");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterPropertiesBinder.bind(environment))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("app.cluster.restart.max-backoff"));
	}

	@Test
	void disabledClusterModeIsNotARequestForWorkers() {
		MockEnvironment environment = new MockEnvironment().withProperty("app.cluster.instances", "2")
			.withProperty("app.cluster.enabled", "false");
		assertThat(ClusterPropertiesBinder.bind(environment).isClusterRequested()).isFalse();
	}

	@Test
	void warmupPathsAreBoundAndEveryWarmupSettingIsChecked() {
		ClusterProperties properties = ClusterPropertiesBinder
			.bind(new MockEnvironment().withProperty("app.cluster.worker.warmup.paths", "/api/data,/api/items?page=1"));
		assertThat(properties.getWorker().getWarmup().getPaths()).containsExactly("/api/data", "/api/items?page=1");
		assertThat(properties.getWorker().getWarmup().getRequests()).isEqualTo(20);
		assertThat(properties.getWorker().getWarmup().getTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterPropertiesBinder
				.bind(new MockEnvironment().withProperty("app.cluster.worker.warmup.paths", "/ok,api/data")))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("app.cluster.worker.warmup.paths[1]"))
			.satisfies((ex) -> assertThat(ex.getValue()).isEqualTo("api/data"))
			.satisfies((ex) -> assertThat(ex.getReason())
				.isEqualTo("Expected a path starting with /, without spaces, such as /api/items?page=1."));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterPropertiesBinder
				.bind(new MockEnvironment().withProperty("app.cluster.worker.warmup.requests", "0")))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("app.cluster.worker.warmup.requests"));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterPropertiesBinder
				.bind(new MockEnvironment().withProperty("app.cluster.worker.warmup.timeout", "0s")))
			.satisfies((ex) -> assertThat(ex.getValue()).isEqualTo("0s"));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterPropertiesBinder
				.bind(new MockEnvironment().withProperty("app.cluster.worker.warmup.paths", "/api/data")
					.withProperty("app.cluster.worker.warmup.timeout", "30s")
					.withProperty("app.cluster.startup-timeout", "30s")))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("app.cluster.worker.warmup.timeout"))
			.satisfies((ex) -> assertThat(ex.getReason())
				.isEqualTo("Expected a duration shorter than app.cluster.startup-timeout (30s)."));
		assertThat(ClusterPropertiesBinder
			.bind(new MockEnvironment().withProperty("app.cluster.worker.warmup.paths", "/api/data")
				.withProperty("app.cluster.worker.warmup.timeout", "29s")
				.withProperty("app.cluster.startup-timeout", "30s"))
			.getWorker()
			.getWarmup()
			.getTimeout()).isEqualTo(Duration.ofSeconds(29));
		// Without warm-up paths the timeout is not used.
		assertThat(ClusterPropertiesBinder.bind(new MockEnvironment().withProperty("app.cluster.startup-timeout", "5s"))
			.getStartupTimeout()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void cpuAffinityIsAutomaticByDefaultAndTakesAutoOnOffOrABoolean() {
		assertThat(cpuAffinity(new MockEnvironment())).isEqualTo(ClusterProperties.CpuAffinity.AUTO);
		assertThat(cpuAffinity(new MockEnvironment().withProperty("app.cluster.worker.cpu-affinity", "on")))
			.isEqualTo(ClusterProperties.CpuAffinity.ON);
		assertThat(cpuAffinity(new MockEnvironment().withProperty("app.cluster.worker.cpu-affinity", "true")))
			.isEqualTo(ClusterProperties.CpuAffinity.ON);
		assertThat(cpuAffinity(new MockEnvironment().withProperty("app.cluster.worker.cpu-affinity", "false")))
			.isEqualTo(ClusterProperties.CpuAffinity.OFF);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterPropertiesBinder
				.bind(new MockEnvironment().withProperty("app.cluster.worker.cpu-affinity", "sometimes")))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("app.cluster.worker.cpu-affinity"))
			.satisfies((ex) -> assertThat(ex.getValue()).isEqualTo("sometimes"))
			.satisfies((ex) -> assertThat(ex.getReason()).contains("one of auto, on, off"));
	}

	@Test
	void maxInstancesIsBoundedAndInstancesNeedsOneOfItsForms() {
		assertThat(ClusterPropertiesBinder.bind(new MockEnvironment().withProperty("app.cluster.max-instances", "12"))
			.getMaxInstances()).isEqualTo(12);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterPropertiesBinder
				.bind(new MockEnvironment().withProperty("app.cluster.max-instances", "257")))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo("Expected a whole number from 1 to 256."));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class).isThrownBy(
				() -> ClusterPropertiesBinder.bind(new MockEnvironment().withProperty("app.cluster.instances", "max2")))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("app.cluster.instances"))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo("Expected " + InstanceCount.ACCEPTED + "."));
	}

	@Test
	void recyclingAndWatchdogSettingsAreBounded() {
		ClusterProperties properties = ClusterPropertiesBinder
			.bind(new MockEnvironment().withProperty("app.cluster.worker.max-memory", "700MB")
				.withProperty("app.cluster.worker.max-requests", "10000")
				.withProperty("app.cluster.worker.max-requests-jitter", "500"));
		assertThat(properties.getWorker().getMaxMemory().toMegabytes()).isEqualTo(700);
		assertThat(properties.getWorker().getHeartbeatTimeout()).isEqualTo(Duration.ofSeconds(30));
		assertThat(properties.getRestart().getMinReadyTime()).isEqualTo(Duration.ofSeconds(10));
		assertRejected("app.cluster.worker.max-memory", "10MB", "Expected a size of at least 64MB, such as 700MB.");
		assertRejected("app.cluster.worker.max-requests", "0", "Expected a whole number from 1 to 1000000000.");
		assertRejected("app.cluster.worker.heartbeat-timeout", "2s",
				"Expected a duration of at least 5s (workers send a heartbeat every 2s), such as 30s.");
		assertRejected("app.cluster.restart.min-ready-time", "-1s",
				"Expected a duration of zero or more, such as 10s.");
		assertThat(properties.getWorker().getSlowStart()).isEqualTo(Duration.ofSeconds(15));
		assertRejected("app.cluster.worker.slow-start", "-1s", "Expected a duration from 0s (off) to 5m, such as 15s.");
		assertRejected("app.cluster.worker.slow-start", "6m", "Expected a duration from 0s (off) to 5m, such as 15s.");
		assertThat(properties.getWorker().getWarmup().getCompilerHeadStart()).isEqualTo(Duration.ofSeconds(10));
		assertRejected("app.cluster.worker.warmup.compiler-head-start", "-1s",
				"Expected a duration from 0s (off) to 5m, such as 10s.");
		assertRejected("app.cluster.worker.warmup.compiler-head-start", "301s",
				"Expected a duration from 0s (off) to 5m, such as 10s.");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterPropertiesBinder
				.bind(new MockEnvironment().withProperty("app.cluster.worker.max-requests", "100")
					.withProperty("app.cluster.worker.max-requests-jitter", "101")))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("app.cluster.worker.max-requests-jitter"));
	}

	@Test
	void metricsAreAggregatedByDefaultWithABoundedScrapeTimeout() {
		ClusterProperties properties = ClusterPropertiesBinder.bind(new MockEnvironment());
		assertThat(properties.getMetrics().isAggregate()).isTrue();
		assertThat(properties.getMetrics().getScrapeTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(ClusterPropertiesBinder
			.bind(new MockEnvironment().withProperty("app.cluster.metrics.aggregate", "false")
				.withProperty("app.cluster.metrics.scrape-timeout", "500ms"))
			.getMetrics()).satisfies((metrics) -> assertThat(metrics.isAggregate()).isFalse())
			.satisfies((metrics) -> assertThat(metrics.getScrapeTimeout()).isEqualTo(Duration.ofMillis(500)));
		assertRejected("app.cluster.metrics.scrape-timeout", "50ms",
				"Expected a duration from 100ms to 30s, such as 2s.");
		assertRejected("app.cluster.metrics.scrape-timeout", "1m",
				"Expected a duration from 100ms to 30s, such as 2s.");
	}

	private static void assertRejected(String name, String value, String reason) {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> ClusterPropertiesBinder.bind(new MockEnvironment().withProperty(name, value)))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo(name))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(reason));
	}

	private static ClusterProperties.CpuAffinity cpuAffinity(MockEnvironment environment) {
		return ClusterPropertiesBinder.bind(environment).getWorker().getCpuAffinity();
	}

}
