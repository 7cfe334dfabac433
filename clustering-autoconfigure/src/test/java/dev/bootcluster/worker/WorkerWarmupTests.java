package dev.bootcluster.worker;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.WorkerLaunch;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerWarmupTests {

	private final ClusterProperties.Warmup settings = new ClusterProperties.Warmup();

	@Test
	void replacementsAndTheFirstWorkersWarmUpUntilCompiledByDefault() {
		assertThat(WorkerWarmup.untilCompiled(this.settings, launch(true, false))).isTrue();
		assertThat(WorkerWarmup.untilCompiled(this.settings, launch(false, true))).isTrue();
	}

	@Test
	void workersThatAddCapacityToAServingClusterTakeTrafficAfterTheirRequests() {
		assertThat(WorkerWarmup.untilCompiled(this.settings, launch(false, false))).isFalse();
	}

	@Test
	void eachKindOfStartHasItsOwnSwitch() {
		this.settings.setFirstWorkersUntilCompiled(false);
		assertThat(WorkerWarmup.untilCompiled(this.settings, launch(false, true))).isFalse();
		assertThat(WorkerWarmup.untilCompiled(this.settings, launch(true, false))).isTrue();
		this.settings.setFirstWorkersUntilCompiled(true);
		this.settings.setUntilCompiled(false);
		assertThat(WorkerWarmup.untilCompiled(this.settings, launch(true, false))).isFalse();
		assertThat(WorkerWarmup.untilCompiled(this.settings, launch(false, true))).isTrue();
	}

	@Test
	void theKindOfStartReachesTheWorkerThroughItsEnvironment() {
		for (boolean replacing : new boolean[] { false, true }) {
			for (boolean firstStart : new boolean[] { false, true }) {
				Map<String, String> env = launch(replacing, firstStart).toEnvironment();
				WorkerLaunch read = WorkerLaunch.fromEnvironment(env).orElseThrow();
				assertThat(read.replacing()).as(env.toString()).isEqualTo(replacing);
				assertThat(read.firstStart()).as(env.toString()).isEqualTo(firstStart);
			}
		}
	}

	private static WorkerLaunch launch(boolean replacing, boolean firstStart) {
		return new WorkerLaunch(0, 2, Path.of("primary.sock"), "secret", 8080, null, 1, null, null, -1, null, replacing,
				firstStart);
	}

}
