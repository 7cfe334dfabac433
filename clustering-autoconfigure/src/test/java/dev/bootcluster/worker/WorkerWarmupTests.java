package dev.bootcluster.worker;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.ipc.WorkerLaunch.Start;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerWarmupTests {

	private final ClusterProperties.Warmup settings = new ClusterProperties.Warmup();

	@Test
	void replacementsAndTheFirstWorkersWarmUpUntilCompiledByDefault() {
		assertThat(WorkerWarmup.warmsUntilCompiled(this.settings, Start.REPLACING)).isTrue();
		assertThat(WorkerWarmup.warmsUntilCompiled(this.settings, Start.FIRST)).isTrue();
	}

	@Test
	void workersThatAddCapacityToAClusterThatServedTakeTrafficAfterTheirRequests() {
		assertThat(WorkerWarmup.warmsUntilCompiled(this.settings, Start.ADDING)).isFalse();
	}

	@Test
	void eachKindOfStartHasItsOwnSwitch() {
		this.settings.setFirstWorkersUntilCompiled(false);
		assertThat(WorkerWarmup.warmsUntilCompiled(this.settings, Start.FIRST)).isFalse();
		assertThat(WorkerWarmup.warmsUntilCompiled(this.settings, Start.REPLACING)).isTrue();
		this.settings.setFirstWorkersUntilCompiled(true);
		this.settings.setUntilCompiled(false);
		assertThat(WorkerWarmup.warmsUntilCompiled(this.settings, Start.REPLACING)).isFalse();
		assertThat(WorkerWarmup.warmsUntilCompiled(this.settings, Start.FIRST)).isTrue();
	}

	@Test
	void whyAWorkerStartsReachesItThroughItsEnvironment() {
		for (Start start : Start.values()) {
			Map<String, String> env = new WorkerLaunch(0, 2, Path.of("primary.sock"), "secret", 8080, null, 1, null,
					null, -1, null, start)
				.toEnvironment();
			assertThat(WorkerLaunch.fromEnvironment(env).orElseThrow().start()).as(env.toString()).isEqualTo(start);
		}
	}

	@Test
	void theManagementServerIsAskedForItsPingIndicatorUnderItsBasePath() {
		assertThat(pingPath("", "/actuator", "health")).isEqualTo("/actuator/health/ping");
		assertThat(pingPath("", "/manage/", "health")).isEqualTo("/manage/health/ping");
		assertThat(pingPath("", "", "health")).isEqualTo("/health/ping");
		assertThat(pingPath("", "/", "health")).isEqualTo("/health/ping");
		assertThat(pingPath("", "//", "health")).isEqualTo("/health/ping");
	}

	@Test
	void theManagementServersOwnBasePathAndTheHealthEndpointsMappingAreHonoured() {
		assertThat(pingPath("/admin", "/actuator", "health")).isEqualTo("/admin/actuator/health/ping");
		assertThat(pingPath("/admin/", "/", "healthcheck")).isEqualTo("/admin/healthcheck/ping");
		assertThat(pingPath("", "/actuator", "/probes/health/")).isEqualTo("/actuator/probes/health/ping");
	}

	private static String pingPath(String serverBasePath, String endpointsBasePath, String healthPath) {
		return WorkerWarmup.ManagementServer.of(8081, serverBasePath, endpointsBasePath, healthPath).pingPath();
	}

}
