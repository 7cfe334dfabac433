package dev.bootcluster.primary;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

	private final AtomicLong requests = new AtomicLong();

	private final List<IpcMessage> replies = new CopyOnWriteArrayList<>();

	private static final Supervisor.Endpoints ENDPOINTS = new Supervisor.Endpoints(8080, null);

	SupervisorTests() {
		this.properties.getRestart().setInitialBackoff(Duration.ofMillis(10));
		this.properties.getRestart().setMaxBackoff(Duration.ofMillis(20));
		this.properties.setShutdownTimeout(Duration.ofSeconds(5));
	}

	@Test
	void aWorkerThatExitsUnaskedIsRestartedWithItsIdAndShutdownStopsEveryone() {
		Supervisor supervisor = new Supervisor(this.properties, 2, this::launch, ENDPOINTS);
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
		Supervisor supervisor = new Supervisor(this.properties, 2, (id, count) -> {
			FakeWorker worker = launch(id, count);
			if (id == 1) {
				worker.exit.complete(1);
			}
			return worker;
		}, ENDPOINTS);
		assertThat(supervisor.run((pid, message) -> this.replies.add(message))).isEqualTo(1);
		assertThat(this.launched).filteredOn((worker) -> worker.id == 1).hasSize(3);
		assertThat(this.launched).filteredOn((worker) -> worker.id == 0)
			.singleElement()
			.satisfies((worker) -> assertThat(worker.stopped).isTrue());
	}

	@Test
	void aWorkerThatNeverBecomesReadyIsKilledAndCountsAsAFailure() {
		this.properties.setStartupTimeout(Duration.ofMillis(100));
		this.properties.getRestart().setMaxAttempts(2);
		Supervisor supervisor = new Supervisor(this.properties, 1, this::launch, ENDPOINTS);
		assertThat(supervisor.run((pid, message) -> this.replies.add(message))).isEqualTo(1);
		assertThat(this.launched).hasSize(2).allMatch((worker) -> worker.killed);
	}

	@Test
	void aMessageFromAReplacedProcessIsIgnored() {
		Supervisor supervisor = new Supervisor(this.properties, 1, this::launch, ENDPOINTS);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 1);
		FakeWorker first = this.launched.get(0);
		first.exit.complete(1);
		await().until(() -> this.launched.size() == 2);
		// A late READY from the dead process must not mark the new one ready.
		supervisor.onMessage(0, first.pid, IpcMessage.of(IpcMessage.Type.READY).build());
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aReloadReplacesEachWorkerOnlyAfterItsReplacementIsReady() {
		Supervisor supervisor = new Supervisor(this.properties, 2, this::launch, ENDPOINTS);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		FakeWorker old0 = this.launched.get(0);
		FakeWorker old1 = this.launched.get(1);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		IpcMessage accepted = request(supervisor, old0, "reload");
		assertThat(accepted.get("reload-id")).isEqualTo("1");
		assertThat(accepted.get("new")).isEqualTo("true");
		await().until(() -> this.launched.size() == 3);
		FakeWorker new0 = this.launched.get(2);
		assertThat(new0.id).isZero();
		assertThat(request(supervisor, old1, "reload").get("new")).isEqualTo("false");
		assertThat(old0.stopped).isFalse();
		ready(supervisor, new0);
		await().until(() -> this.launched.size() == 4);
		assertThat(old0.stopped).isTrue();
		FakeWorker new1 = this.launched.get(3);
		assertThat(new1.id).isEqualTo(1);
		assertThat(old1.stopped).isFalse();
		ready(supervisor, new1);
		await().until(() -> status(supervisor, new1).get("reload.state").equals("succeeded"));
		Map<String, String> status = status(supervisor, new1);
		assertThat(old1.stopped).isTrue();
		assertThat(status).containsEntry("reload.steps", "2")
			.containsEntry("ready", "2")
			.containsEntry("reload.step.0.old-pid", String.valueOf(old0.pid))
			.containsEntry("reload.step.0.new-pid", String.valueOf(new0.pid));
		assertThat(this.launched).hasSize(4);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void aReplacementThatFailsStopsTheReloadAndKeepsTheOldWorkers() {
		Supervisor supervisor = new Supervisor(this.properties, 2, this::launch, ENDPOINTS);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		request(supervisor, this.launched.get(0), "reload");
		await().until(() -> this.launched.size() == 3);
		this.launched.get(2).exit.complete(1);
		await().until(() -> status(supervisor, this.launched.get(0)).get("reload.state").equals("failed"));
		Map<String, String> status = status(supervisor, this.launched.get(0));
		assertThat(status.get("reload.outcome")).contains("worker 0 replacement", "exit code 1",
				"ERROR worker 0 broke");
		assertThat(status).containsEntry("ready", "2");
		assertThat(this.launched.subList(0, 2)).noneMatch((worker) -> worker.stopped);
		assertThat(this.launched).hasSize(3);
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	@Test
	void scalingUpStartsNewIdsAndScalingDownDrainsTheHighestIds() {
		Supervisor supervisor = new Supervisor(this.properties, 2, this::launch, ENDPOINTS);
		CompletableFuture<Integer> exit = runUntilLaunched(supervisor, 2);
		this.launched.forEach((worker) -> ready(supervisor, worker));
		FakeWorker first = this.launched.get(0);
		IpcMessage up = request(supervisor, first, "scale", "instances", "3");
		assertThat(up.attributes()).containsEntry("from", "2").containsEntry("to", "3");
		await().until(() -> this.launched.size() == 3);
		assertThat(this.launched.get(2).id).isEqualTo(2);
		ready(supervisor, this.launched.get(2));
		request(supervisor, first, "scale", "instances", "1");
		await().until(() -> status(supervisor, first).get("configured").equals("1"));
		assertThat(this.launched.get(1).stopped).isTrue();
		assertThat(this.launched.get(2).stopped).isTrue();
		assertThat(first.stopped).isFalse();
		await().until(() -> status(supervisor, first).get("workers").equals("1"));
		assertThat(request(supervisor, first, "scale", "instances", "abc").get("error"))
			.contains("Invalid value 'abc' for property 'instances'");
		supervisor.requestShutdown();
		assertThat(exit.join()).isZero();
	}

	/**
	 * Run the supervisor in the background until it has launched its first workers.
	 */
	private CompletableFuture<Integer> runUntilLaunched(Supervisor supervisor, int workers) {
		CompletableFuture<Integer> exit = CompletableFuture
			.supplyAsync(() -> supervisor.run((pid, message) -> this.replies.add(message)));
		await().until(() -> this.launched.size() == workers);
		return exit;
	}

	private IpcMessage request(Supervisor supervisor, FakeWorker from, String action, String... attributes) {
		String id = "r" + this.requests.incrementAndGet();
		IpcMessage.Builder request = IpcMessage.of(IpcMessage.Type.REQUEST).with("request", id).with("action", action);
		for (int i = 0; i < attributes.length; i += 2) {
			request.with(attributes[i], attributes[i + 1]);
		}
		supervisor.onMessage(from.id, from.pid, request.build());
		return await()
			.until(() -> this.replies.stream().filter((reply) -> id.equals(reply.get("request"))).findFirst(),
					Optional::isPresent)
			.orElseThrow();
	}

	private Map<String, String> status(Supervisor supervisor, FakeWorker from) {
		return request(supervisor, from, "status").attributes();
	}

	private FakeWorker launch(int id, int count) {
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
