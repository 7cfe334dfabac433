package dev.bootcluster.primary;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.WorkerState;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerHealthTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	/** A start of the clock that is not zero, as {@link System#nanoTime()} seldom is. */
	private static final long T0 = 1_000 * SECOND;

	private final ClusterProperties.Worker config = new ClusterProperties.Worker();

	private final WorkerHealth health = new WorkerHealth(this.config, new SplittableRandom(42));

	@Test
	void aHealthyWorkerIsLeftAlone() {
		this.config.setMaxMemory(DataSize.ofMegabytes(500));
		this.config.setMaxRequests(1000L);
		WorkerRun run = readyRun();
		assertThat(judge(run, 300, 10, 1, 8, 0)).isNull();
		assertThat(judge(run, 320, 500, 8, 8, 40 * SECOND)).isNull();
	}

	@Test
	void memoryOverTheLimitIsAReasonOnlyIfTheWorkerStartedBelowIt() {
		this.config.setMaxMemory(DataSize.ofMegabytes(500));
		WorkerRun grew = readyRun();
		assertThat(judge(grew, 300, 0, 0, 0, 0)).isNull();
		assertThat(judge(grew, 600, 0, 0, 0, 0).reason()).isEqualTo(ExitReason.MEMORY);
		WorkerRun bornBig = readyRun();
		assertThat(judge(bornBig, 600, 0, 0, 0, 0)).isNull();
		assertThat(judge(bornBig, 700, 0, 0, 0, 0)).isNull();
	}

	@Test
	void eachProcessDrawsItsOwnRequestLimitWithinTheJitter() {
		this.config.setMaxRequests(1000L);
		this.config.setMaxRequestsJitter(500);
		List<Long> limits = new java.util.ArrayList<>();
		for (int i = 0; i < 20; i++) {
			WorkerRun run = readyRun();
			assertThat(judge(run, 0, 999, 0, 0, 0)).isNull();
			limits.add(run.track().requestLimit);
			assertThat(judge(run, 0, 1500, 0, 0, 0).reason()).isEqualTo(ExitReason.REQUESTS);
		}
		assertThat(limits).allMatch((limit) -> limit >= 1000 && limit <= 1500);
		assertThat(limits.stream().distinct().count()).as("workers do not all recycle at once").isGreaterThan(1);
	}

	@Test
	void everyRequestThreadBusyWithNoRequestFinishedForTheTimeoutIsHung() {
		this.config.setHeartbeatTimeout(Duration.ofSeconds(30));
		WorkerRun run = readyRun();
		assertThat(judge(run, 0, 100, 8, 8, 0)).isNull();
		assertThat(judge(run, 0, 100, 8, 8, 29 * SECOND)).isNull();
		WorkerHealth.Verdict hung = judge(run, 0, 100, 8, 8, 30 * SECOND);
		assertThat(hung.reason()).isEqualTo(ExitReason.HEARTBEAT_TIMEOUT);
		assertThat(hung.why()).isEqualTo("all 8 request threads busy and none finished a request for 30.0 s");
		// Busy but finishing requests is not hung.
		WorkerRun busy = readyRun();
		assertThat(judge(busy, 0, 100, 8, 8, 0)).isNull();
		assertThat(judge(busy, 0, 101, 8, 8, 40 * SECOND)).isNull();
		assertThat(judge(busy, 0, 101, 7, 8, 80 * SECOND)).isNull();
	}

	@Test
	void aWorkerSilentForTheTimeoutIsHung() {
		this.config.setHeartbeatTimeout(Duration.ofSeconds(5));
		WorkerRun run = readyRun();
		WorkerHealth health = new WorkerHealth(this.config, new SplittableRandom(1));
		assertThat(health.onTick(run, run.lastHeardNanos() + 4 * SECOND)).isNull();
		assertThat(health.onTick(run, run.lastHeardNanos() + 5 * SECOND).why()).isEqualTo("no heartbeat for 5.0 s");
	}

	private WorkerHealth.Verdict judge(WorkerRun run, long residentMegabytes, long requests, int busy, int max,
			long nowNanos) {
		run.heartbeat(new ClusterMessage.Heartbeat(0, 0, residentMegabytes << 20, requests, busy, max));
		return this.health.onHeartbeat(run, T0 + nowNanos);
	}

	private static WorkerRun readyRun() {
		WorkerRun run = new WorkerRun(0, new Handle());
		run.state(WorkerState.READY);
		return run;
	}

	private static final class Handle implements WorkerHandle {

		@Override
		public long pid() {
			return 1;
		}

		@Override
		public CompletableFuture<Integer> onExit() {
			return new CompletableFuture<>();
		}

		@Override
		public void stop() {
		}

		@Override
		public void kill() {
		}

		@Override
		public void threadDump() {
		}

		@Override
		public List<String> outputTail() {
			return List.of();
		}

	}

}
