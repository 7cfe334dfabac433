package dev.bootcluster.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

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
		assertThatExceptionOfType(InvalidClusterPropertyException.class)
			.isThrownBy(() -> ClusterPropertiesBinder.bind(environment))
			.withMessage("Invalid value 'soon' for property 'app.cluster.startup-timeout': "
					+ "expected a duration such as 500ms, 30s or 2m");
	}

	@Test
	void aValueOutOfRangeIsReportedAsTheUserWroteIt() {
		MockEnvironment environment = new MockEnvironment().withProperty("app.cluster.shutdown-timeout", "0s");
		assertThatExceptionOfType(InvalidClusterPropertyException.class)
			.isThrownBy(() -> ClusterPropertiesBinder.bind(environment))
			.satisfies((ex) -> assertThat(ex.getValue()).isEqualTo("0s"))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("app.cluster.shutdown-timeout"));
	}

	@Test
	void maxBackoffShorterThanTheInitialBackoffIsRejected() {
		MockEnvironment environment = new MockEnvironment().withProperty("app.cluster.restart.initial-backoff", "5s")
			.withProperty("app.cluster.restart.max-backoff", "1s");
		assertThatExceptionOfType(InvalidClusterPropertyException.class)
			.isThrownBy(() -> ClusterPropertiesBinder.bind(environment))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("app.cluster.restart.max-backoff"));
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
		assertThatExceptionOfType(InvalidClusterPropertyException.class)
			.isThrownBy(() -> ClusterPropertiesBinder
				.bind(new MockEnvironment().withProperty("app.cluster.worker.warmup.paths", "/ok,api/data")))
			.withMessage("Invalid value 'api/data' for property 'app.cluster.worker.warmup.paths[1]': "
					+ "expected a path starting with /, without spaces, such as /api/items?page=1");
		assertThatExceptionOfType(InvalidClusterPropertyException.class)
			.isThrownBy(() -> ClusterPropertiesBinder
				.bind(new MockEnvironment().withProperty("app.cluster.worker.warmup.requests", "0")))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("app.cluster.worker.warmup.requests"));
		assertThatExceptionOfType(InvalidClusterPropertyException.class)
			.isThrownBy(() -> ClusterPropertiesBinder
				.bind(new MockEnvironment().withProperty("app.cluster.worker.warmup.timeout", "0s")))
			.satisfies((ex) -> assertThat(ex.getValue()).isEqualTo("0s"));
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
		assertThatExceptionOfType(InvalidClusterPropertyException.class)
			.isThrownBy(() -> ClusterPropertiesBinder
				.bind(new MockEnvironment().withProperty("app.cluster.worker.cpu-affinity", "sometimes")))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("app.cluster.worker.cpu-affinity"))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("'sometimes'").contains("one of auto, on, off"));
	}

	private static ClusterProperties.CpuAffinity cpuAffinity(MockEnvironment environment) {
		return ClusterPropertiesBinder.bind(environment).getWorker().getCpuAffinity();
	}

}
