package dev.bootcluster.primary;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.util.unit.DataSize;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.MetricsFormat;
import dev.bootcluster.ipc.ReloadState;
import dev.bootcluster.ipc.WorkerLaunch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The supervisor's decisions, against workers that are not processes.
 */
class SupervisorTests {

	private final ClusterProperties properties = new ClusterProperties();

	private final List<FakeWorker> launched = new CopyOnWriteArrayList<>();

	private final AtomicLong pids = new AtomicLong(1000);

	/**
	 * The share of a core each worker launched from now on gets; negative: its CPU time
	 * is unknown.
	 */
	private volatile double cpuShare = -1;

	private final AtomicLong requests = new AtomicLong();

	private final List<ClusterMessage> replies = new CopyOnWriteArrayList<>();

	private final List<Long> repliedTo = new CopyOnWriteArrayList<>();

	private final List<String> leadership = new CopyOnWriteArrayList<>();

	/** The workers a recording launcher was asked to start urgently. */
	private final List<Long> urgent = new CopyOnWriteArrayList<>();

	private final AtomicReference<ManagementProxy.Targets> managementTargets = new AtomicReference<>(
			new ManagementProxy.Targets(List.of(), Set.of()));

	SupervisorTests() {
		this.properties.getRestart().setInitialBackoff(Duration.ofMillis(10));
		this.properties.getRestart().setMaxBackoff(Duration.ofMillis(20));
		this.properties.setShutdownTimeout(Duration.ofSeconds(5));
	}

	@Test
	void aWorkerThatExitsUnaskedIsRestartedWithItsIdAndShutdownStopsEveryone() {
		Supervisor supervisor = supervisor(2, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		FakeWorker crashed = this.launched.get(1);
		crashed.exit.complete(137);
		await().until(() -> this.launched.size() == 3);
		FakeWorker replacement = this.launched.get(2);
		assertThat(replacement.id).isEqualTo(1);
		assertThat(replacement.pid).isNotEqualTo(crashed.pid);
		ready(supervisor, replacement);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
		assertThat(this.launched).filteredOn((worker) -> worker != crashed).allMatch((worker) -> worker.stopped);
		assertThat(crashed.stopped).isFalse();
	}

	@Test
	void aCrashLoopStopsTheOtherWorkersAndEndsWithExitCodeOne() {
		this.properties.getRestart().setMaxAttempts(3);
		Supervisor supervisor = supervisor(2, (id, count, start) -> {
			FakeWorker worker = launch(id, count, start);
			if (id == 1) {
				worker.exit.complete(1);
			}
			return worker;
		});
		assertThat(supervisor.run((pid, message) -> this.replies.add(message))).isEqualTo(1);
		assertThat(this.launched).filteredOn((worker) -> worker.id == 1).hasSize(3);
		assertThat(this.launched).filteredOn((worker) -> worker.id == 0)
			.singleElement()
			.satisfies((worker) -> assertThat(worker.stopped).isTrue());
	}

	@Test
	void workersKilledWhileServingAreRestartedAndNeverStopTheCluster() {
		this.properties.getRestart().setMaxAttempts(2);
		this.properties.getRestart().setMinReadyTime(Duration.ZERO);
		Supervisor supervisor = supervisor(2, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		for (int kill = 0; kill < 5; kill++) {
			FakeWorker serving = this.launched.get(this.launched.size() - 1);
			serving.exit.complete(137);
			int before = this.launched.size();
			await().until(() -> this.launched.size() == before + 1);
			ready(supervisor, this.launched.get(before));
		}
		assertThat(exit).isNotDone();
		assertThat(status(supervisor, this.launched.get(0)).workers()).filteredOn((worker) -> worker.lastExit() != null)
			.singleElement()
			.satisfies((worker) -> assertThat(worker.lastExit().reason()).isEqualTo(ExitReason.KILLED));
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aWorkerKilledWhileNoOtherServesIsRestartedWithoutItsLongerBackoff() {
		this.properties.getRestart().setMultiplier(1000);
		this.properties.getRestart().setMaxBackoff(Duration.ofMinutes(5));
		Supervisor supervisor = supervisor(1, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 1);
		ready(supervisor, this.launched.get(0));
		for (int kill = 1; kill <= 3; kill++) {
			// Without another ready worker the second kill would wait 10 s, the third 5
			// min.
			this.launched.get(kill - 1).exit.complete(137);
			int launched = kill + 1;
			await().atMost(Duration.ofSeconds(2)).until(() -> this.launched.size() == launched);
			ready(supervisor, this.launched.get(kill));
		}
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void theSingleWorkerJobsMoveOnlyOnceTheWorkerThatRanThemReleasedThem() {
		Supervisor supervisor = supervisor(2, this::launchDrainingSlowly);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		FakeWorker old0 = this.launched.get(0);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		await().until(() -> this.leadership.equals(List.of(old0.pid + " granted 1")));
		request(supervisor, old0, ClusterMessage.ReloadRequest::new);
		await().until(() -> this.launched.size() == 3);
		FakeWorker new0 = this.launched.get(2);
		ready(supervisor, new0);
		await().until(() -> this.leadership.size() == 2);
		assertThat(this.leadership).containsExactly(old0.pid + " granted 1", old0.pid + " revoked 1");
		// Still running a job: nobody else may start one.
		ready(supervisor, this.launched.get(1));
		assertThat(this.leadership).hasSize(2);
		supervisor.onMessage(old0.id, old0.pid, new ClusterMessage.LeadershipReleased(1));
		await().until(() -> this.leadership.size() == 3);
		assertThat(this.leadership.get(2)).isEqualTo(new0.pid + " granted 2");
		supervisor.requestShutdown();
		this.launched.forEach((worker) -> worker.exit.complete(143));
		assertThat(exit.join()).isZero();
	}

	@Test
	void aWorkerThatNeverBecomesReadyIsKilledAndCountsAsAFailure() {
		this.properties.setStartupTimeout(Duration.ofMillis(100));
		this.properties.getRestart().setMaxAttempts(2);
		Supervisor supervisor = supervisor(1, this::launch);
		assertThat(supervisor.run((pid, message) -> this.replies.add(message))).isEqualTo(1);
		assertThat(this.launched).hasSize(2).allMatch((worker) -> worker.killed);
	}

	@Test
	void aMessageFromAReplacedProcessIsIgnored() {
		Supervisor supervisor = supervisor(1, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 1);
		FakeWorker first = this.launched.get(0);
		first.exit.complete(1);
		await().until(() -> this.launched.size() == 2);
		// A late Ready from the dead process must not mark the new one ready.
		supervisor.onMessage(0, first.pid, new ClusterMessage.Ready());
		assertThat(status(supervisor, this.launched.get(1)).readyInstances()).isZero();
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aReloadReplacesEachWorkerOnlyAfterItsReplacementIsReady() {
		Supervisor supervisor = supervisor(2, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		FakeWorker old0 = this.launched.get(0);
		FakeWorker old1 = this.launched.get(1);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		ClusterMessage.ReloadReply accepted = (ClusterMessage.ReloadReply) request(supervisor, old0,
				ClusterMessage.ReloadRequest::new);
		assertThat(accepted.reloadId()).isEqualTo("1");
		assertThat(accepted.started()).isTrue();
		await().until(() -> this.launched.size() == 3);
		FakeWorker new0 = this.launched.get(2);
		assertThat(new0.id).isZero();
		assertThat(
				((ClusterMessage.ReloadReply) request(supervisor, old1, ClusterMessage.ReloadRequest::new)).started())
			.isFalse();
		assertThat(old0.stopped).isFalse();
		ready(supervisor, new0);
		await().until(() -> this.launched.size() == 4);
		assertThat(old0.stopped).isTrue();
		FakeWorker new1 = this.launched.get(3);
		assertThat(new1.id).isEqualTo(1);
		assertThat(old1.stopped).isFalse();
		ready(supervisor, new1);
		await().until(() -> status(supervisor, new1).reload().state() == ReloadState.SUCCEEDED);
		ClusterStatus status = status(supervisor, new1);
		assertThat(old1.stopped).isTrue();
		assertThat(status.readyInstances()).isEqualTo(2);
		assertThat(status.reload().steps()).hasSize(2).first().satisfies((step) -> {
			assertThat(step.oldPid()).isEqualTo(old0.pid);
			assertThat(step.newPid()).isEqualTo(new0.pid);
		});
		assertThat(this.launched).hasSize(4);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aWorkerIsLaunchedAsAFirstOneOnlyWhileNoneIsReadyBeforeTheClusterWasReady() {
		this.properties.getRestart().setInitialBackoff(Duration.ofMillis(10));
		Supervisor supervisor = supervisor(2, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		// A crash before any worker is ready: its restart is one of the first too.
		this.launched.get(1).exit.complete(1);
		await().until(() -> this.launched.size() == 3);
		ready(supervisor, this.launched.get(0));
		// Beside a serving worker, a restart adds capacity.
		this.launched.get(2).exit.complete(1);
		await().until(() -> this.launched.size() == 4);
		// So does the restart of a worker that served, though none other is ready.
		this.launched.get(0).exit.complete(137);
		await().until(() -> this.launched.size() == 5);
		assertThat(this.launched).extracting((worker) -> worker.start)
			.containsExactly(WorkerLaunch.Start.FIRST, WorkerLaunch.Start.FIRST, WorkerLaunch.Start.FIRST,
					WorkerLaunch.Start.ADDING, WorkerLaunch.Start.ADDING);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void onlyAReplacementOfAWorkerThatStillServesIsLaunchedAsReplacing() {
		this.properties.getRestart().setInitialBackoff(Duration.ofMillis(10));
		Supervisor supervisor = supervisor(2, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		request(supervisor, this.launched.get(0), ClusterMessage.ReloadRequest::new);
		await().until(() -> this.launched.size() == 3);
		ready(supervisor, this.launched.get(2));
		await().until(() -> this.launched.size() == 4);
		ready(supervisor, this.launched.get(3));
		await().until(() -> status(supervisor, this.launched.get(3)).reload().state() == ReloadState.SUCCEEDED);
		this.launched.get(3).exit.complete(137);
		await().until(() -> this.launched.size() == 5);
		assertThat(this.launched).extracting((worker) -> worker.start)
			.containsExactly(WorkerLaunch.Start.FIRST, WorkerLaunch.Start.FIRST, WorkerLaunch.Start.REPLACING,
					WorkerLaunch.Start.REPLACING, WorkerLaunch.Start.ADDING);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aGentleReplacementGoesOnAtNormalPriorityOnceReadyOrOnceTheWorkerItReplacesIsGone() {
		List<Long> normal = new CopyOnWriteArrayList<>();
		Supervisor supervisor = supervisor(2, recordingNormalPriority(normal));
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		FakeWorker new0 = firstReplacementOfAReload(supervisor);
		assertThat(normal).isEmpty();
		ready(supervisor, new0);
		await().until(() -> this.launched.size() == 4);
		FakeWorker new1 = this.launched.get(3);
		assertThat(normal).containsExactly(new0.pid);
		this.launched.get(1).exit.complete(137);
		await().until(() -> normal.size() == 2);
		assertThat(normal).containsExactly(new0.pid, new1.pid);
		ready(supervisor, new1);
		await().until(() -> status(supervisor, new1).readyInstances() == 2);
		assertThat(normal).containsExactly(new0.pid, new1.pid);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aGentleReplacementStillStartingAfterHalfTheStartupTimeoutGoesOnAtNormalPriority() {
		this.properties.setStartupTimeout(Duration.ofSeconds(3));
		List<Long> normal = new CopyOnWriteArrayList<>();
		Supervisor supervisor = supervisor(2, recordingNormalPriority(normal));
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		FakeWorker new0 = firstReplacementOfAReload(supervisor);
		await().atMost(Duration.ofMillis(2500)).until(() -> normal.contains(new0.pid));
		assertThat(new0.killed).isFalse();
		ready(supervisor, new0);
		assertThat(normal).containsExactly(new0.pid);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aGentleReplacementThatGetsNextToNoCpuIsRaisedStepByStepToNormalPriority() {
		this.cpuShare = 0.05;
		List<Long> normal = new CopyOnWriteArrayList<>();
		List<String> raised = new CopyOnWriteArrayList<>();
		Supervisor supervisor = supervisor(2, recordingPriorities(normal, raised, 4, null));
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		FakeWorker new0 = firstReplacementOfAReload(supervisor);
		// From nice 4, two steps, long before half the startup timeout (30 s).
		await().atMost(WorkerProcesses.GENTLE_CHECK.multipliedBy(4))
			.until(() -> raised.equals(List.of(new0.pid + ": 4 -> 2", new0.pid + ": 2 -> 0")));
		await().during(WorkerProcesses.GENTLE_CHECK.multipliedBy(2)).until(() -> raised.size() == 2);
		assertThat(new0.killed).isFalse();
		ready(supervisor, new0);
		await().until(() -> status(supervisor, new0).readyInstances() == 2);
		// Back at the primary's priority already.
		assertThat(normal).isEmpty();
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aGentleReplacementStaysAtThePriorityThatGivesItAQuarterOfACoreUntilReady() {
		this.cpuShare = 0.05;
		List<Long> normal = new CopyOnWriteArrayList<>();
		List<String> raised = new CopyOnWriteArrayList<>();
		// Once raised, it gets half a core.
		Supervisor supervisor = supervisor(2,
				recordingPriorities(normal, raised, GentleStart.NICE_INCREMENT, (worker) -> worker.cpuShare = 0.5));
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		FakeWorker new0 = firstReplacementOfAReload(supervisor);
		await().atMost(WorkerProcesses.GENTLE_CHECK.multipliedBy(2)).until(() -> !raised.isEmpty());
		await().during(WorkerProcesses.GENTLE_CHECK.multipliedBy(2))
			.atMost(WorkerProcesses.GENTLE_CHECK.multipliedBy(3))
			.until(() -> raised.equals(List.of(new0.pid + ": 10 -> 8")) && normal.isEmpty());
		ready(supervisor, new0);
		await().until(() -> normal.contains(new0.pid));
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aGentleReplacementThatGetsCpuStaysGentleUntilReady() {
		this.cpuShare = 1;
		List<Long> normal = new CopyOnWriteArrayList<>();
		Supervisor supervisor = supervisor(2, recordingNormalPriority(normal));
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		FakeWorker new0 = firstReplacementOfAReload(supervisor);
		await().during(WorkerProcesses.GENTLE_CHECK.multipliedBy(2))
			.atMost(WorkerProcesses.GENTLE_CHECK.multipliedBy(3))
			.until(normal::isEmpty);
		ready(supervisor, new0);
		await().until(() -> normal.contains(new0.pid));
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aWorkerRestartedAfterItServedStartsUrgentlyUntilReadyAndNoOtherStartDoes() {
		List<Long> normal = new CopyOnWriteArrayList<>();
		Supervisor supervisor = supervisor(2, recordingNormalPriority(normal));
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		// Killed from outside once ready: it served.
		this.launched.get(1).exit.complete(137);
		await().until(() -> this.launched.size() == 3);
		FakeWorker restored = this.launched.get(2);
		assertThat(this.urgent).containsExactly(restored.pid);
		assertThat(normal).isEmpty();
		ready(supervisor, restored);
		await().until(() -> normal.contains(restored.pid));
		restored.exit.complete(137);
		await().until(() -> this.launched.size() == 4);
		// Its restart after a crash before it was ready is part of a crash loop.
		this.launched.get(3).exit.complete(1);
		await().until(() -> this.launched.size() == 5);
		ready(supervisor, this.launched.get(4));
		// Nor does a scale-up or a reload's replacement start urgently.
		scale(supervisor, this.launched.get(0), "3");
		await().until(() -> this.launched.size() == 6);
		ready(supervisor, this.launched.get(5));
		request(supervisor, this.launched.get(0), ClusterMessage.ReloadRequest::new);
		await().until(() -> this.launched.size() == 7);
		assertThat(this.urgent).containsExactly(restored.pid, this.launched.get(3).pid);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aWorkerKilledWhileItsReloadReplacementStartsIsNotRestartedUrgently() {
		List<Long> normal = new CopyOnWriteArrayList<>();
		Supervisor supervisor = supervisor(2, recordingNormalPriority(normal));
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		FakeWorker replacement = firstReplacementOfAReload(supervisor);
		assertThat(replacement.id).isZero();
		this.launched.get(0).exit.complete(137);
		await().until(() -> this.launched.size() == 4);
		assertThat(this.launched.get(3).id).isZero();
		assertThat(this.urgent).isEmpty();
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aReplacementKilledOnceItServesWhileTheWorkerItReplacedDrainsIsRestarted(CapturedOutput output) {
		Supervisor supervisor = supervisor(2, this::launchDrainingSlowly);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		FakeWorker old0 = this.launched.get(0);
		FakeWorker new0 = firstReplacementOfAReload(supervisor);
		ready(supervisor, new0);
		await().until(() -> old0.stopped);
		// Serving worker 0 now, and killed before the worker it replaced has drained.
		new0.exit.complete(137);
		await().until(() -> this.launched.size() == 4);
		FakeWorker restarted0 = this.launched.get(3);
		assertThat(restarted0.id).isZero();
		old0.exit.complete(143);
		// The reload goes on with worker 1.
		await().until(() -> this.launched.size() == 5);
		assertThat(output).containsPattern("worker 0 replaced \\(pid " + old0.pid + " -> " + new0.pid
				+ "\\), ready in .*, drained in .*; pid " + new0.pid + " has exited since it became ready");
		FakeWorker new1 = this.launched.get(4);
		assertThat(new1.id).isEqualTo(1);
		ready(supervisor, restarted0);
		ready(supervisor, new1);
		this.launched.get(1).exit.complete(143);
		await().until(() -> status(supervisor, new1).reload().state() == ReloadState.SUCCEEDED);
		assertThat(status(supervisor, new1).readyInstances()).isEqualTo(2);
		supervisor.requestShutdown();
		this.launched.forEach((worker) -> worker.exit.complete(143));
		assertThat(exit.join()).isZero();
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aRestartThatWaitedForItsTurnWhileAReloadReplacedItsWorkerStartsNoSecondProcess(CapturedOutput output) {
		// No backoff: the restart waits only for a turn to start (two at once here).
		this.properties.getRestart().setStableUptime(Duration.ZERO);
		Supervisor supervisor = supervisor(2, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		FakeWorker old0 = this.launched.get(0);
		FakeWorker old1 = this.launched.get(1);
		FakeWorker new0 = firstReplacementOfAReload(supervisor);
		old1.exit.complete(137);
		await().until(() -> this.launched.size() == 4);
		FakeWorker restarted1 = this.launched.get(3);
		assertThat(restarted1.id).isEqualTo(1);
		// Two start now: worker 0's restart waits for its turn.
		old0.exit.complete(137);
		// Answered once the exit was handled, which queued the restart: the loop runs its
		// next tasks in the order they were queued.
		status(supervisor, new0);
		ready(supervisor, new0);
		await().until(() -> this.launched.size() == 5);
		assertThat(this.launched.get(4).id).as("the reload's replacement of worker 1").isEqualTo(1);
		ready(supervisor, restarted1);
		ClusterStatus status = status(supervisor, new0);
		assertThat(this.launched).filteredOn((worker) -> worker.id == 0).containsExactly(old0, new0);
		assertThat(output).contains("worker 0 (pid " + new0.pid + ") took its place meanwhile: its restart is dropped");
		assertThat(status.workers()).filteredOn((worker) -> worker.id() == 0 && worker.state().isLive())
			.singleElement()
			.satisfies((worker) -> assertThat(worker.pid()).isEqualTo(new0.pid));
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aReturnToNormalPriorityThatFailsIsTriedAgain() {
		List<Long> returns = new CopyOnWriteArrayList<>();
		WorkerLauncher recording = recordingNormalPriority(new CopyOnWriteArrayList<>());
		Supervisor supervisor = supervisor(2, new WorkerLauncher() {

			@Override
			public WorkerHandle launch(int id, int count, WorkerLaunch.Start start) throws IOException {
				return recording.launch(id, count, start);
			}

			@Override
			public boolean startUrgently(WorkerHandle worker, String description) {
				return recording.startUrgently(worker, description);
			}

			@Override
			public boolean normalPriority(WorkerHandle worker, String description) {
				returns.add(worker.pid());
				// Threads kept starting twice.
				return returns.size() < 3;
			}

		});
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		this.launched.get(1).exit.complete(137);
		await().until(() -> this.launched.size() == 3);
		FakeWorker restored = this.launched.get(2);
		ready(supervisor, restored);
		await().atMost(WorkerProcesses.GENTLE_CHECK.multipliedBy(4)).until(() -> returns.size() == 3);
		await().during(WorkerProcesses.GENTLE_CHECK.multipliedBy(2)).until(() -> returns.size() == 3);
		assertThat(returns).containsOnly(restored.pid);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void anUrgentRestartStillStartingAfterHalfTheStartupTimeoutGoesOnAtNormalPriority() {
		this.properties.setStartupTimeout(Duration.ofSeconds(3));
		List<Long> normal = new CopyOnWriteArrayList<>();
		Supervisor supervisor = supervisor(2, recordingNormalPriority(normal));
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		this.launched.get(0).exit.complete(137);
		await().until(() -> this.launched.size() == 3);
		FakeWorker restored = this.launched.get(2);
		await().atMost(Duration.ofSeconds(2)).until(() -> normal.contains(restored.pid));
		assertThat(restored.killed).isFalse();
		ready(supervisor, restored);
		await().until(() -> status(supervisor, restored).readyInstances() == 2);
		assertThat(normal).containsExactly(restored.pid);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aLauncherThatCannotStartGentlyIsStillToldOfReplacementsButGetsNoPriorityChanges() {
		this.cpuShare = 0.05;
		List<Long> normal = new CopyOnWriteArrayList<>();
		List<Long> raised = new CopyOnWriteArrayList<>();
		WorkerLauncher recording = recordingNormalPriority(normal);
		Supervisor supervisor = supervisor(2, new WorkerLauncher() {

			@Override
			public WorkerHandle launch(int id, int count, WorkerLaunch.Start start) throws IOException {
				return recording.launch(id, count, start);
			}

			@Override
			public boolean startsGently() {
				return false;
			}

			@Override
			public boolean normalPriority(WorkerHandle worker, String description) {
				return recording.normalPriority(worker, description);
			}

			@Override
			public boolean raisePriority(WorkerHandle worker, String description, int niceValues, String why) {
				raised.add(worker.pid());
				return false;
			}

		});
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		FakeWorker new0 = firstReplacementOfAReload(supervisor);
		// It may still warm up until compiled.
		assertThat(new0.start).isEqualTo(WorkerLaunch.Start.REPLACING);
		await().during(WorkerProcesses.GENTLE_CHECK.multipliedBy(2))
			.atMost(WorkerProcesses.GENTLE_CHECK.multipliedBy(3))
			.until(() -> normal.isEmpty() && raised.isEmpty());
		ready(supervisor, new0);
		await().until(() -> this.launched.size() == 4);
		assertThat(this.launched.get(3).start).isEqualTo(WorkerLaunch.Start.REPLACING);
		assertThat(normal).isEmpty();
		assertThat(raised).isEmpty();
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aReplacementThatFailsStopsTheReloadAndKeepsTheOldWorkers() {
		Supervisor supervisor = supervisor(2, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		request(supervisor, this.launched.get(0), ClusterMessage.ReloadRequest::new);
		await().until(() -> this.launched.size() == 3);
		this.launched.get(2).exit.complete(1);
		await().until(() -> status(supervisor, this.launched.get(0)).reload().state() == ReloadState.FAILED);
		ClusterStatus status = status(supervisor, this.launched.get(0));
		assertThat(status.reload().outcome()).contains("worker 0 replacement", "exit code 1", "ERROR worker 0 broke");
		assertThat(status.readyInstances()).isEqualTo(2);
		assertThat(this.launched.subList(0, 2)).noneMatch((worker) -> worker.stopped);
		assertThat(this.launched).hasSize(3);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void scalingUpStartsNewIdsAndScalingDownDrainsTheHighestIds() {
		Supervisor supervisor = supervisor(2, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		FakeWorker first = this.launched.get(0);
		assertThat(scale(supervisor, first, "3")).isEqualTo(new ClusterMessage.ScaleReply(0, 2, 3));
		await().until(() -> this.launched.size() == 3);
		assertThat(this.launched.get(2).id).isEqualTo(2);
		assertThat(this.launched.get(2).workerCount).isEqualTo(3);
		ready(supervisor, this.launched.get(2));
		scale(supervisor, first, "1");
		await().until(() -> status(supervisor, first).configuredInstances() == 1);
		assertThat(this.launched.get(1).stopped).isTrue();
		assertThat(this.launched.get(2).stopped).isTrue();
		assertThat(first.stopped).isFalse();
		await().until(() -> status(supervisor, first).workers().size() == 1);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aScaleAskedForDuringAReloadIsAppliedWhenTheReloadEnds() {
		Supervisor supervisor = supervisor(1, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 1);
		FakeWorker old = this.launched.get(0);
		ready(supervisor, old);
		request(supervisor, old, ClusterMessage.ReloadRequest::new);
		await().until(() -> this.launched.size() == 2);
		assertThat(scale(supervisor, old, "2")).isEqualTo(new ClusterMessage.ScaleReply(0, 1, 2));
		assertThat(this.launched).hasSize(2);
		ready(supervisor, this.launched.get(1));
		await().until(() -> this.launched.size() == 3);
		assertThat(this.launched.get(2).id).isEqualTo(1);
		assertThat(status(supervisor, this.launched.get(1)).reload().state()).isEqualTo(ReloadState.SUCCEEDED);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aMalformedOrTooLargeSizeIsRefusedAndLeavesTheClusterAlone() {
		Supervisor supervisor = supervisor(2, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		FakeWorker first = this.launched.get(0);
		assertThat(((ClusterMessage.Refused) scale(supervisor, first, "abc")).reason())
			.startsWith("Invalid value 'abc' for property 'instances': expected 'max'");
		assertThat(((ClusterMessage.Refused) scale(supervisor, first, "99999")).reason())
			.isEqualTo("Cannot scale to 99999: 99999 workers are more than the 8 allowed "
					+ "(app.cluster.max-instances); set app.cluster.max-instances (up to 256) to allow more");
		assertThat(scale(supervisor, first, "2")).isEqualTo(new ClusterMessage.ScaleReply(0, 2, 2));
		assertThat(status(supervisor, first).configuredInstances()).isEqualTo(2);
		assertThat(this.launched).hasSize(2).noneMatch((worker) -> worker.stopped);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aLargeScaleStartsAFewWorkersAtATimeAndShutdownStopsLaunchingAtOnce() {
		Supervisor supervisor = supervisor(2, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		scale(supervisor, this.launched.get(0), "8");
		await().until(() -> this.launched.size() == 4);
		// Two (one per core, at least two) start at once; the next waits for one to be
		// ready.
		assertThat(status(supervisor, this.launched.get(0)).workers()).hasSize(4);
		ready(supervisor, this.launched.get(2));
		await().until(() -> this.launched.size() == 5);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
		assertThat(this.launched).hasSize(5).allMatch((worker) -> worker.stopped);
	}

	@Test
	void aWorkerDrainedByAScaleDownIsStartedAgainWhenTheClusterGrowsBack() {
		Supervisor supervisor = supervisor(2, this::launchDrainingSlowly);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		FakeWorker draining = this.launched.get(1);
		scale(supervisor, this.launched.get(0), "1");
		await().until(() -> draining.stopped);
		assertThat(scale(supervisor, this.launched.get(0), "2")).isEqualTo(new ClusterMessage.ScaleReply(0, 1, 2));
		await().until(() -> this.launched.size() == 3);
		FakeWorker again = this.launched.get(2);
		assertThat(again.id).isEqualTo(1);
		draining.exit.complete(143);
		ready(supervisor, again);
		await().until(() -> status(supervisor, again).readyInstances() == 2);
		assertThat(status(supervisor, again).configuredInstances()).isEqualTo(2);
		supervisor.requestShutdown();
		this.launched.forEach((worker) -> worker.exit.complete(143));
		assertThat(exit.join()).isZero();
	}

	@Test
	void aWorkerOverMaxMemoryIsReplacedReplacementFirstAndItsExitSaysMemory() {
		this.properties.getWorker().setMaxMemory(DataSize.ofMegabytes(100));
		Supervisor supervisor = supervisor(2, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		FakeWorker leaking = this.launched.get(1);
		heartbeat(supervisor, leaking, 50, 0, 0, 0);
		heartbeat(supervisor, leaking, 150, 0, 0, 0);
		await().until(() -> this.launched.size() == 3);
		assertThat(leaking.stopped).as("drained only once the replacement is ready").isFalse();
		ready(supervisor, this.launched.get(2));
		await().until(() -> leaking.stopped);
		ClusterStatus.Worker replaced = status(supervisor, this.launched.get(0)).workers()
			.stream()
			.filter((worker) -> worker.id() == 1)
			.findFirst()
			.orElseThrow();
		assertThat(replaced.lastExit().reason()).isEqualTo(ExitReason.MEMORY);
		assertThat(replaced.restarts()).isEqualTo(1);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aWorkerOverMaxMemoryRightAfterItStartedIsReportedAndKept() {
		this.properties.getWorker().setMaxMemory(DataSize.ofMegabytes(100));
		Supervisor supervisor = supervisor(1, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 1);
		FakeWorker big = this.launched.get(0);
		ready(supervisor, big);
		heartbeat(supervisor, big, 150, 0, 0, 0);
		heartbeat(supervisor, big, 160, 0, 0, 0);
		assertThat(status(supervisor, big).workers()).hasSize(1);
		assertThat(this.launched).hasSize(1);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aWorkerWhoseRequestThreadsAreAllStuckIsDumpedAndReplaced() {
		this.properties.getWorker().setHeartbeatTimeout(Duration.ofMillis(300));
		Supervisor supervisor = supervisor(1, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 1);
		FakeWorker stuck = this.launched.get(0);
		ready(supervisor, stuck);
		// It keeps saying so, as a worker does every 2 s, until the primary acts.
		await().until(() -> {
			heartbeat(supervisor, stuck, 10, 7, 4, 4);
			return this.launched.size() == 2;
		});
		assertThat(stuck.dumped).isTrue();
		assertThat(this.replies).anyMatch(ClusterMessage.StopAccepting.class::isInstance);
		ready(supervisor, this.launched.get(1));
		await().until(() -> stuck.stopped);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aWorkerThatFallsSilentIsReplaced() {
		this.properties.getWorker().setHeartbeatTimeout(Duration.ofMillis(500));
		Supervisor supervisor = supervisor(1, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 1);
		FakeWorker silent = this.launched.get(0);
		ready(supervisor, silent);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.launched.size() == 2);
		assertThat(silent.dumped).isTrue();
		// It serves nothing: its replacement is not launched as replacing a serving
		// worker
		// (normal priority, no warm-up until compiled).
		assertThat(this.launched.get(1).start).isEqualTo(WorkerLaunch.Start.ADDING);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aScrapeMergesTheAnswersInTimeAndCountsTheWorkerThatDidNotAnswer() {
		this.properties.getMetrics().setScrapeTimeout(Duration.ofMillis(300));
		Supervisor supervisor = supervisor(2, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		FakeWorker answering = this.launched.get(0);
		supervisor.onMessage(answering.id, answering.pid, new ClusterMessage.MetricsRequest(7, MetricsFormat.TEXT));
		// Both are asked; only worker 0 answers.
		await().until(() -> scrapeRequestsTo(answering.pid).size() == 1
				&& scrapeRequestsTo(this.launched.get(1).pid).size() == 1);
		long scrape = scrapeRequestsTo(answering.pid).get(0).scrape();
		supervisor.onMessage(answering.id, answering.pid,
				new ClusterMessage.ScrapeReply(scrape, "# TYPE up gauge\nup 1\n"));
		ClusterMessage.MetricsReply reply = await().atMost(Duration.ofSeconds(5))
			.until(() -> this.replies.stream()
				.filter(ClusterMessage.MetricsReply.class::isInstance)
				.map(ClusterMessage.MetricsReply.class::cast)
				.findFirst(), Optional::isPresent)
			.orElseThrow();
		assertThat(reply.id()).isEqualTo(7);
		assertThat(reply.exposition())
			.contains("up{worker=\"0\"} 1", "cluster_scrape_missing 1", "cluster_workers{state=\"ready\"} 2",
					"cluster_worker_uptime_seconds{worker=\"1\"}")
			.doesNotContain("worker=\"1\"} 1");
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	private List<ClusterMessage.ScrapeRequest> scrapeRequestsTo(long pid) {
		List<ClusterMessage.ScrapeRequest> requests = new ArrayList<>();
		for (int i = 0; i < this.replies.size(); i++) {
			if (this.repliedTo.get(i) == pid && this.replies.get(i) instanceof ClusterMessage.ScrapeRequest request) {
				requests.add(request);
			}
		}
		return requests;
	}

	@Test
	void theManagementPortGoesToReadyWorkersThatStillSendHeartbeats() {
		Supervisor supervisor = supervisor(2, this::launch);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		for (FakeWorker worker : this.launched) {
			supervisor.onMessage(worker.id, worker.pid, new ClusterMessage.Ready(9000 + worker.id));
		}
		await().until(() -> this.managementTargets.get().ports().size() == 2);
		assertThat(this.managementTargets.get().ports()).containsExactlyInAnyOrder(9000, 9001);
		// Worker 1 falls silent (frozen): after two missed heartbeats it gets no new
		// connection.
		FakeWorker talking = this.launched.get(0);
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			heartbeat(supervisor, talking, 100, 0, 0, 4);
			return this.managementTargets.get().equals(new ManagementProxy.Targets(List.of(9000), Set.of(9001)));
		});
		// When every ready worker is silent, each still gets connections.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.managementTargets.get().ports().size() == 2);
		assertThat(this.managementTargets.get().silent()).isEmpty();
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
		assertThat(this.managementTargets.get().ports()).isEmpty();
	}

	private static void heartbeat(Supervisor supervisor, FakeWorker worker, long residentMegabytes, long requests,
			int busyThreads, int maxThreads) {
		supervisor.onMessage(worker.id, worker.pid,
				new ClusterMessage.Heartbeat(0, 0, residentMegabytes << 20, requests, busyThreads, maxThreads));
	}

	private Supervisor supervisor(int workers, WorkerLauncher launcher) {
		return new Supervisor(this.properties, new ClusterPlan(workers, 2, WorkerLimit.of(8, 2, 1L << 30), 8080, null),
				launcher, this.managementTargets::set);
	}

	/**
	 * Run the supervisor in the background until it has launched its first workers.
	 */
	private CompletableFuture<Integer> runUntilLaunched(Supervisor supervisor, int workers) {
		CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> supervisor.run((pid, message) -> {
			this.repliedTo.add(pid);
			this.replies.add(message);
			if (message instanceof ClusterMessage.Leadership granted) {
				this.leadership.add(pid + (granted.granted() ? " granted " : " revoked ") + granted.term());
			}
		}));
		await().until(() -> this.launched.size() == workers);
		return exit;
	}

	private ClusterMessage.Reply request(Supervisor supervisor, FakeWorker from,
			java.util.function.LongFunction<ClusterMessage.Request> request) {
		long id = this.requests.incrementAndGet();
		supervisor.onMessage(from.id, from.pid, request.apply(id));
		return await()
			.until(() -> this.replies.stream()
				.filter((reply) -> reply instanceof ClusterMessage.Reply answer && answer.id() == id)
				.map(ClusterMessage.Reply.class::cast)
				.findFirst(), Optional::isPresent)
			.orElseThrow();
	}

	private ClusterMessage.Reply scale(Supervisor supervisor, FakeWorker from, String instances) {
		ClusterMessage.Reply reply = request(supervisor, from, (id) -> new ClusterMessage.ScaleRequest(id, instances));
		return (reply instanceof ClusterMessage.ScaleReply scaled)
				? new ClusterMessage.ScaleReply(0, scaled.from(), scaled.to()) : reply;
	}

	private ClusterStatus status(Supervisor supervisor, FakeWorker from) {
		return ((ClusterMessage.StatusReply) request(supervisor, from, ClusterMessage.StatusRequest::new)).status();
	}

	/**
	 * A launcher that records the workers it was asked to return to normal priority, and
	 * raises gently started ones in steps from nice +10.
	 */
	private WorkerLauncher recordingNormalPriority(List<Long> pids) {
		return recordingPriorities(pids, new CopyOnWriteArrayList<>(), GentleStart.NICE_INCREMENT, null);
	}

	/**
	 * A launcher that keeps a nice value for each worker, as {@link GentleStart} and
	 * {@link UrgentStart} do with the primary at nice 0, and records the workers started
	 * urgently, those returned to normal priority once ready and each raise
	 * ({@code "pid: from -> to"}).
	 */
	private WorkerLauncher recordingPriorities(List<Long> normal, List<String> raised, int startedAt,
			@Nullable Consumer<FakeWorker> onRaise) {
		Map<Long, Integer> nice = new ConcurrentHashMap<>();
		return new WorkerLauncher() {

			@Override
			public WorkerHandle launch(int id, int count, WorkerLaunch.Start start) {
				FakeWorker worker = SupervisorTests.this.launch(id, count, start);
				nice.put(worker.pid, (start == WorkerLaunch.Start.REPLACING) ? startedAt : 0);
				return worker;
			}

			@Override
			public boolean startUrgently(WorkerHandle worker, String description) {
				SupervisorTests.this.urgent.add(worker.pid());
				nice.put(worker.pid(), -UrgentStart.NICE_DECREMENT);
				return true;
			}

			@Override
			public boolean normalPriority(WorkerHandle worker, String description) {
				normal.add(worker.pid());
				nice.put(worker.pid(), 0);
				return false;
			}

			@Override
			public boolean raisePriority(WorkerHandle worker, String description, int niceValues, String why) {
				int from = nice.get(worker.pid());
				int to = Math.max(0, from - niceValues);
				nice.put(worker.pid(), to);
				raised.add(worker.pid() + ": " + from + " -> " + to);
				if (onRaise != null) {
					onRaise.accept((FakeWorker) worker);
				}
				return to > 0;
			}

		};
	}

	/**
	 * Ready the two launched workers, ask for a reload and wait for its first
	 * replacement.
	 */
	private FakeWorker firstReplacementOfAReload(Supervisor supervisor) {
		this.launched.forEach((worker) -> ready(supervisor, worker));
		request(supervisor, this.launched.get(0), ClusterMessage.ReloadRequest::new);
		await().until(() -> this.launched.size() == 3);
		return this.launched.get(2);
	}

	private FakeWorker launch(int id, int count, WorkerLaunch.Start start) {
		FakeWorker worker = new FakeWorker(id, count, this.pids.incrementAndGet());
		worker.start = start;
		worker.cpuShare = this.cpuShare;
		this.launched.add(worker);
		return worker;
	}

	/**
	 * A worker that, asked to stop, exits only when the test completes its exit.
	 */
	private FakeWorker launchDrainingSlowly(int id, int count, WorkerLaunch.Start start) {
		FakeWorker worker = launch(id, count, start);
		worker.drainsSlowly = true;
		return worker;
	}

	private static void ready(Supervisor supervisor, FakeWorker worker) {
		supervisor.onMessage(worker.id, worker.pid, new ClusterMessage.Ready());
	}

	static final class FakeWorker implements WorkerHandle {

		final int id;

		final int workerCount;

		final long pid;

		final CompletableFuture<Integer> exit = new CompletableFuture<>();

		volatile boolean stopped;

		volatile boolean killed;

		volatile boolean drainsSlowly;

		volatile boolean dumped;

		volatile WorkerLaunch.Start start;

		volatile double cpuShare = -1;

		final long launchedAt = System.nanoTime();

		FakeWorker(int id, int workerCount, long pid) {
			this.id = id;
			this.workerCount = workerCount;
			this.pid = pid;
		}

		@Override
		public long pid() {
			return this.pid;
		}

		@Override
		public CompletableFuture<Integer> onExit() {
			return this.exit;
		}

		@Override
		public Optional<Duration> cpuTime() {
			return (this.cpuShare >= 0)
					? Optional.of(Duration.ofNanos((long) ((System.nanoTime() - this.launchedAt) * this.cpuShare)))
					: Optional.empty();
		}

		@Override
		public void stop() {
			this.stopped = true;
			if (!this.drainsSlowly) {
				this.exit.complete(143);
			}
		}

		@Override
		public void kill() {
			this.killed = true;
			this.exit.complete(137);
		}

		@Override
		public void threadDump() {
			this.dumped = true;
		}

		@Override
		public List<String> outputTail() {
			return List.of("ERROR worker " + this.id + " broke");
		}

	}

}
