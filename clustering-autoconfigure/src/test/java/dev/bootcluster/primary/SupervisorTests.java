package dev.bootcluster.primary;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.bootcluster.autoconfigure.ClusterProperties;
import dev.bootcluster.ipc.IpcMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The supervisor's decisions, against workers that are not processes.
 */
class SupervisorTests {

	private final ClusterProperties properties = new ClusterProperties();

	private final List<FakeWorker> launched = new CopyOnWriteArrayList<>();

	private final AtomicLong pids = new AtomicLong(1000);

	SupervisorTests() {
		this.properties.getRestart().setInitialBackoff(Duration.ofMillis(10));
		this.properties.getRestart().setMaxBackoff(Duration.ofMillis(20));
		this.properties.setShutdownTimeout(Duration.ofSeconds(5));
	}

	@Test
	void aWorkerThatExitsUnaskedIsRestartedWithItsIdAndShutdownStopsEveryone() {
		Supervisor supervisor = new Supervisor(this.properties, 2, this::launch);
		CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(supervisor::run);
		await().until(() -> this.launched.size() == 2);
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
		Supervisor supervisor = new Supervisor(this.properties, 2, (id) -> {
			FakeWorker worker = launch(id);
			if (id == 1) {
				worker.exit.complete(1);
			}
			return worker;
		});
		assertThat(supervisor.run()).isEqualTo(1);
		assertThat(this.launched).filteredOn((worker) -> worker.id == 1).hasSize(3);
		assertThat(this.launched).filteredOn((worker) -> worker.id == 0).singleElement()
			.satisfies((worker) -> assertThat(worker.stopped).isTrue());
	}

	@Test
	void aWorkerThatNeverBecomesReadyIsKilledAndCountsAsAFailure() {
		this.properties.setStartupTimeout(Duration.ofMillis(100));
		this.properties.getRestart().setMaxAttempts(2);
		Supervisor supervisor = new Supervisor(this.properties, 1, this::launch);
		assertThat(supervisor.run()).isEqualTo(1);
		assertThat(this.launched).hasSize(2).allMatch((worker) -> worker.killed);
	}

	@Test
	void aMessageFromAReplacedProcessIsIgnored() {
		Supervisor supervisor = new Supervisor(this.properties, 1, this::launch);
		CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(supervisor::run);
		await().until(() -> this.launched.size() == 1);
		FakeWorker first = this.launched.get(0);
		first.exit.complete(1);
		await().until(() -> this.launched.size() == 2);
		// A late READY from the dead process must not mark the new one ready.
		supervisor.onMessage(0, first.pid, IpcMessage.of(IpcMessage.Type.READY).build());
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	private FakeWorker launch(int id) {
		FakeWorker worker = new FakeWorker(id, this.pids.incrementAndGet());
		this.launched.add(worker);
		return worker;
	}

	private static void ready(Supervisor supervisor, FakeWorker worker) {
		supervisor.onMessage(worker.id, worker.pid, IpcMessage.of(IpcMessage.Type.READY).build());
	}

	static final class FakeWorker implements WorkerHandle {

		final int id;

		final long pid;

		final CompletableFuture<Integer> exit = new CompletableFuture<>();

		volatile boolean stopped;

		volatile boolean killed;

		FakeWorker(int id, long pid) {
			this.id = id;
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
		public void stop() {
			this.stopped = true;
			this.exit.complete(143);
		}

		@Override
		public void kill() {
			this.killed = true;
			this.exit.complete(137);
		}

		@Override
		public List<String> outputTail() {
			return List.of("ERROR worker " + this.id + " broke");
		}

	}

}
