package dev.bootcluster.primary;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.autoconfigure.ClusterProperties;
import dev.bootcluster.autoconfigure.InstanceCount;
import dev.bootcluster.autoconfigure.InvalidClusterPropertyException;
import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.IpcMessage;
import dev.bootcluster.worker.ResidentMemory;

/**
 * The primary's state machine. Every event (a worker ready, a worker exited, a timer, a
 * signal, an operator's request) runs on one thread, so decisions never race: start every
 * worker, restart the ones that exit unasked with backoff, give up on a crash loop, roll
 * reloads, scale, and stop everything on shutdown.
 */
final class Supervisor implements RollingReload.Workers {

	private static final Log logger = LogFactory.getLog(Supervisor.class);

	private final ClusterProperties properties;

	private final Launcher launcher;

	private final Endpoints endpoints;

	private final List<WorkerSlot> slots = new ArrayList<>();

	private final Map<Long, WorkerRun> runs = new HashMap<>();

	private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "cluster-supervisor");
		thread.setDaemon(true);
		return thread;
	});

	private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

	private final Instant started = Instant.now();

	private final long startNanos = System.nanoTime();

	private @Nullable Replier replier;

	private @Nullable RollingReload reload;

	private int reloads;

	private boolean announcedReady;

	private boolean shuttingDown;

	private int shutdownExitCode;

	Supervisor(ClusterProperties properties, int workers, Launcher launcher, Endpoints endpoints) {
		this.properties = properties;
		this.launcher = launcher;
		this.endpoints = endpoints;
		for (int id = 0; id < workers; id++) {
			this.slots.add(new WorkerSlot(id, properties.getRestart()));
		}
	}

	/**
	 * Start every worker and supervise them until the cluster stops.
	 * @param replier sends answers to workers' requests
	 * @return the exit code for the primary: 0 after a requested shutdown, 1 after giving
	 * up
	 */
	int run(Replier replier) {
		this.replier = replier;
		execute(() -> this.slots.forEach(this::launch));
		try {
			return this.exitCode.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 1;
		}
		catch (ExecutionException ex) {
			logger.error("Supervisor failed", ex.getCause());
			return 1;
		}
		finally {
			this.loop.shutdownNow();
		}
	}

	/**
	 * Handle a message from a worker; safe to call from any thread.
	 * @param workerId the worker id it said hello with
	 * @param pid its process id
	 * @param message the message
	 */
	void onMessage(int workerId, long pid, IpcMessage message) {
		execute(() -> handle(pid, message));
	}

	/**
	 * Stop every worker gracefully, then end {@link #run} with exit code 0; safe to call
	 * from any thread, including a signal handler.
	 */
	void requestShutdown() {
		execute(() -> shutdown(0));
	}

	private void execute(Runnable task) {
		this.loop.execute(guarded(task));
	}

	private void schedule(Runnable task, Duration delay) {
		this.loop.schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * An executor keeps a task's exception to itself; a supervisor must not fail
	 * silently.
	 */
	private static Runnable guarded(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException | Error ex) {
				logger.error("Supervisor task failed; supervision goes on", ex);
			}
		};
	}

	private void launch(WorkerSlot slot) {
		if (this.shuttingDown || slot.isRetiring()) {
			return;
		}
		WorkerRun run = start(slot.id());
		if (run == null) {
			shutdown(1);
			return;
		}
		slot.current(run);
		logger.info(run.describe() + " starting");
	}

	private @Nullable WorkerRun start(int workerId) {
		WorkerHandle handle;
		try {
			handle = this.launcher.launch(workerId, this.slots.size());
		}
		catch (IOException | RuntimeException ex) {
			logger.error("worker " + workerId + " could not be started: " + ex.getMessage());
			return null;
		}
		WorkerRun run = new WorkerRun(workerId, handle);
		this.runs.put(run.pid(), run);
		handle.onExit().thenAccept((code) -> execute(() -> exited(run, code)));
		schedule(() -> checkStarted(run), this.properties.getStartupTimeout());
		return run;
	}

	private void handle(long pid, IpcMessage message) {
		WorkerRun run = this.runs.get(pid);
		if (run == null) {
			return;
		}
		switch (message.type()) {
			case READY -> ready(run);
			case HEARTBEAT -> run.heartbeat(message);
			case STOPPING -> {
				if (run.state() != WorkerState.DRAINING) {
					logger.info(run.describe() + " is shutting down on its own");
				}
			}
			case REQUEST -> reply(pid, message, answer(message));
			case HELLO, RESPONSE -> {
			}
		}
	}

	private void ready(WorkerRun run) {
		if (run.state() != WorkerState.STARTING) {
			return;
		}
		if (this.reload != null && this.reload.owns(run)) {
			logger.info(run.describe() + " (replacement) ready in " + seconds(run.uptime()));
			this.reload.onReady(run);
			return;
		}
		run.state(WorkerState.READY);
		logger.info(run.describe() + " ready in " + seconds(run.uptime()));
		if (!this.announcedReady && this.slots.stream().allMatch(WorkerSlot::isReady)) {
			this.announcedReady = true;
			logger.info("Cluster ready: " + this.slots.size() + " workers in "
					+ seconds(Duration.ofNanos(System.nanoTime() - this.startNanos)));
			PrimaryFootprint.shrink();
		}
	}

	private void checkStarted(WorkerRun run) {
		if (run.state() == WorkerState.STARTING && !this.shuttingDown) {
			logger.warn(run.describe() + " did not become ready within " + seconds(this.properties.getStartupTimeout())
					+ "; killing it");
			run.exitReason("startup-timeout");
			run.handle().kill();
		}
	}

	private void exited(WorkerRun run, int code) {
		this.runs.remove(run.pid());
		WorkerState previous = run.state();
		run.state((previous == WorkerState.DRAINING || this.shuttingDown) ? WorkerState.STOPPED : WorkerState.FAILED);
		if (this.reload != null && this.reload.owns(run)) {
			this.reload.onExit(run, code);
			if (!this.reload.isRunning() && !this.shuttingDown) {
				PrimaryFootprint.shrink();
			}
			finishIfStopped();
			return;
		}
		WorkerSlot slot = slotOf(run);
		if (slot == null || slot.current() != run) {
			finishIfStopped();
			return;
		}
		if (run.state() == WorkerState.STOPPED) {
			slot.lastExit(ExitStatus.record(code, "requested"));
			logger.info(run.describe() + " stopped (" + ExitStatus.describe(code) + ")");
			if (slot.isRetiring()) {
				this.slots.remove(slot);
			}
			finishIfStopped();
			return;
		}
		String reason = (run.exitReason() != null) ? run.exitReason() : ExitStatus.unaskedReason(code);
		slot.lastExit(ExitStatus.record(code, reason));
		Duration delay = slot.restartPolicy().onFailure(System.nanoTime(), run.uptime());
		if (delay == null) {
			giveUp(slot, run, previous == WorkerState.STARTING);
			return;
		}
		logger.warn(run.describe() + " exited with " + ExitStatus.describe(code) + " after " + seconds(run.uptime())
				+ "; restarting in " + seconds(delay) + " (restart " + slot.countRestart() + ")");
		schedule(() -> {
			// A reload may have replaced the process meanwhile.
			if (slot.current() == run) {
				launch(slot);
			}
		}, delay);
	}

	private void giveUp(WorkerSlot slot, WorkerRun run, boolean neverReady) {
		logger.error(run.describe() + " failed " + slot.restartPolicy().recentFailures() + " times within "
				+ this.properties.getRestart().getWindow().toSeconds() + " s; stopping the cluster."
				+ (neverReady ? " It never became ready. " : " ") + "Its last output:" + System.lineSeparator()
				+ String.join(System.lineSeparator(), ExitStatus.excerpt(run.handle().outputTail())));
		shutdown(1);
	}

	private IpcMessage.Builder answer(IpcMessage request) {
		String action = String.valueOf(request.get("action"));
		return switch (action) {
			case "status" -> response(status().toAttributes());
			case "reload" -> startReload();
			case "scale" -> scale(request.get("instances"));
			default -> error("Unknown action '" + action + "'");
		};
	}

	private IpcMessage.Builder startReload() {
		if (this.shuttingDown) {
			return error("The cluster is shutting down");
		}
		if (this.reload != null && this.reload.isRunning()) {
			return IpcMessage.of(IpcMessage.Type.RESPONSE).with("reload-id", this.reload.id()).with("new", false);
		}
		RollingReload started = new RollingReload(String.valueOf(++this.reloads),
				this.slots.stream().filter((slot) -> !slot.isRetiring()).map(WorkerSlot::id).toList(), this);
		this.reload = started;
		started.start();
		return IpcMessage.of(IpcMessage.Type.RESPONSE).with("reload-id", started.id()).with("new", true);
	}

	private IpcMessage.Builder scale(@Nullable String value) {
		int target;
		try {
			target = InstanceCount.parse("instances", (value != null) ? value : "").resolve();
		}
		catch (InvalidClusterPropertyException ex) {
			return error(ex.getMessage());
		}
		if (this.shuttingDown) {
			return error("The cluster is shutting down");
		}
		if (this.reload != null && this.reload.isRunning()) {
			return error("Reload " + this.reload.id() + " is running; scale when it has finished");
		}
		int from = this.slots.size();
		logger.info("Scaling from " + from + " to " + target + " workers");
		for (int id = from; id < target; id++) {
			WorkerSlot slot = new WorkerSlot(id, this.properties.getRestart());
			this.slots.add(slot);
			launch(slot);
		}
		for (WorkerSlot slot : List.copyOf(this.slots.subList(Math.min(target, from), from))) {
			slot.retire();
			if (slot.isLive()) {
				retire(slot.current());
			}
			else {
				this.slots.remove(slot);
			}
		}
		return IpcMessage.of(IpcMessage.Type.RESPONSE).with("from", from).with("to", target);
	}

	private static IpcMessage.Builder response(Map<String, String> attributes) {
		IpcMessage.Builder builder = IpcMessage.of(IpcMessage.Type.RESPONSE);
		attributes.forEach(builder::with);
		return builder;
	}

	private static IpcMessage.Builder error(String message) {
		return IpcMessage.of(IpcMessage.Type.RESPONSE).with("error", message);
	}

	private void reply(long pid, IpcMessage request, IpcMessage.Builder answer) {
		if (this.replier != null) {
			this.replier.send(pid, answer.with("request", String.valueOf(request.get("request"))).build());
		}
	}

	ClusterStatus status() {
		List<ClusterStatus.Worker> workers = new ArrayList<>();
		for (WorkerSlot slot : this.slots) {
			WorkerRun current = slot.current();
			if (current != null && !current.isLive()) {
				workers.add(current.status(slot.restarts(), slot.lastExit()));
			}
		}
		for (WorkerRun run : this.runs.values()) {
			WorkerSlot slot = slotOf(run);
			workers.add(run.status((slot != null) ? slot.restarts() : 0, (slot != null) ? slot.lastExit() : null));
		}
		workers.sort(Comparator.comparingInt(ClusterStatus.Worker::id).thenComparing(ClusterStatus.Worker::started));
		int ready = (int) this.slots.stream().filter(WorkerSlot::isReady).count();
		return new ClusterStatus(ProcessHandle.current().pid(), this.started,
				Duration.ofNanos(System.nanoTime() - this.startNanos).toMillis(), ResidentMemory.bytes(),
				(int) this.slots.stream().filter((slot) -> !slot.isRetiring()).count(), ready, this.endpoints.port(),
				this.endpoints.managementPort(), "inherited-socket", workers,
				(this.reload != null) ? this.reload.status() : null);
	}

	private @Nullable WorkerSlot slotOf(WorkerRun run) {
		return slot(run.workerId());
	}

	private @Nullable WorkerSlot slot(int workerId) {
		return this.slots.stream().filter((slot) -> slot.id() == workerId).findFirst().orElse(null);
	}

	@Override
	public @Nullable WorkerRun current(int workerId) {
		WorkerSlot slot = slot(workerId);
		return (slot != null) ? slot.current() : null;
	}

	@Override
	public @Nullable WorkerRun startReplacement(int workerId) {
		WorkerRun run = start(workerId);
		if (run != null) {
			logger.info(run.describe() + " starting to replace " + describe(current(workerId)));
		}
		return run;
	}

	@Override
	public void promote(WorkerRun replacement) {
		replacement.state(WorkerState.READY);
		WorkerSlot slot = slotOf(replacement);
		if (slot != null) {
			slot.current(replacement);
		}
	}

	@Override
	public void retire(WorkerRun old) {
		old.state(WorkerState.DRAINING);
		old.exitReason("requested");
		logger.info(old.describe() + " draining");
		old.handle().stop();
		schedule(() -> {
			if (old.isLive()) {
				logger.warn(old.describe() + " did not stop within " + seconds(this.properties.getShutdownTimeout())
						+ "; killing it");
				old.handle().kill();
			}
		}, this.properties.getShutdownTimeout());
	}

	private void shutdown(int code) {
		if (this.shuttingDown) {
			return;
		}
		if (this.reload != null) {
			this.reload.abort();
		}
		this.shuttingDown = true;
		this.shutdownExitCode = code;
		List<WorkerRun> live = List.copyOf(this.runs.values());
		logger.info("Stopping " + live.size() + " workers (graceful, up to "
				+ seconds(this.properties.getShutdownTimeout()) + ")");
		live.stream().filter((run) -> run.state() != WorkerState.DRAINING).forEach(this::retire);
		finishIfStopped();
	}

	private void finishIfStopped() {
		if (this.shuttingDown && this.runs.isEmpty() && !this.exitCode.isDone()) {
			logger.info("All workers stopped");
			this.exitCode.complete(this.shutdownExitCode);
		}
	}

	private static String describe(@Nullable WorkerRun run) {
		return (run != null) ? "pid " + run.pid() : "no process";
	}

	private static String seconds(Duration duration) {
		return String.format("%.1f s", duration.toMillis() / 1000.0);
	}

	/**
	 * Starts the JVM for a worker id.
	 */
	@FunctionalInterface
	interface Launcher {

		WorkerHandle launch(int workerId, int workerCount) throws IOException;

	}

	/**
	 * Sends a message to a worker process.
	 */
	@FunctionalInterface
	interface Replier {

		void send(long pid, IpcMessage message);

	}

	/**
	 * The ports the cluster serves, for its status.
	 *
	 * @param port the shared application port
	 * @param managementPort the separate management port, if any
	 */
	record Endpoints(int port, @Nullable Integer managementPort) {

	}

}
