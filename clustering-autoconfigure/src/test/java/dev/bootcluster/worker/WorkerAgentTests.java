package dev.bootcluster.worker;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.ipc.WorkerLaunch.Start;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerAgentTests {

	private final ClusterProperties.Worker settings = new ClusterProperties.Worker();

	@Test
	void aWorkerThatJoinsServingWorkersStartsSlowly() {
		assertThat(WorkerAgent.slowStart(launch(2, Start.ADDING), this.settings)).isEqualTo(Duration.ofSeconds(15));
		assertThat(WorkerAgent.slowStart(launch(2, Start.REPLACING), this.settings)).isEqualTo(Duration.ofSeconds(15));
	}

	@Test
	void theFirstWorkersStartTogetherWithoutSlowStart() {
		assertThat(WorkerAgent.slowStart(launch(2, Start.FIRST), this.settings)).isZero();
	}

	@Test
	void theRestartOfAClustersOnlyWorkerHasNoOtherToLeaveConnectionsTo() {
		assertThat(WorkerAgent.slowStart(launch(1, Start.ADDING), this.settings)).isZero();
	}

	@Test
	void aReloadOfAClustersOnlyWorkerStartsSlowlyBesideTheWorkerItReplaces() {
		assertThat(WorkerAgent.slowStart(launch(1, Start.REPLACING), this.settings)).isEqualTo(Duration.ofSeconds(15));
	}

	private static WorkerLaunch launch(int workerCount, Start start) {
		return new WorkerLaunch(0, workerCount, Path.of("primary.sock"), "secret", 8080, null, 1, null, null, -1, null,
				start);
	}

}
