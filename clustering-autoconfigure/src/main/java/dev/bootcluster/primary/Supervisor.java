package dev.bootcluster.primary;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.WorkerState;

/**
 * The primary's state machine, run on the {@link SupervisorLoop}: start every worker (a
 * few at a time), restart the ones that exit unasked with backoff, give up on a crash
 * loop, roll reloads, resize, and stop everything on shutdown. Operators' requests are
 * answered by {@link OperatorRequests}.
 */
final class Supervisor implements RollingReload.Workers {

	private static final Log logger = LogFactory.getLog(Supervisor.class);

	private final ClusterProperties properties;

	private final ClusterPlan plan;

	private final SupervisorLoop loop = new SupervisorLoop();

	private final OperatorRequests requests;

	private final WorkerSlots slots;

	private final WorkerProcesses processes;

	private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

	private final long startNanos = System.nanoTime();

	private volatile boolean stopRequested;

	private @Nullable Replier replier;

	private @Nullable RollingReload reload;

	private int reloads;

	/** A size asked for while a reload ran, applied when it ends. */
	private @Nullable Integer resizeAfterReload;

	private boolean announcedReady;

	private boolean shuttingDown;

	private int shutdownExitCode;

	Supervisor(ClusterProperties properties, ClusterPlan plan, WorkerLauncher launcher) {
		this.properties = properties;
		this.plan = plan;
		this.slots = new WorkerSlots(plan.workers(), properties.getRestart());
		this.requests = new OperatorRequests(this, this.slots, plan);
		this.processes = new WorkerProcesses(properties, launcher, this.loop, this.slots, this::exited);
	}

	/**
	 * Start every worker and supervise them until the cluster stops.
	 * @param replier sends answers to workers' requests
	 * @return the exit code for the primary: 0 after a requested shutdown, 1 after giving
	 * up
	 */
	int run(Replier replier) {
		this.replier = replier;
		this.loop.execute(() -> this.slots.all().forEach(this::enqueue));
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
			this.loop.stop();
		}
	}

	/**
	 * Handle a message from a worker; safe to call from any thread.
	 * @param workerId the worker id it said hello with
	 * @param pid its process id
	 * @param message the message
	 */
	void onMessage(int workerId, long pid, ClusterMessage message) {
		this.loop.execute(() -> handle(pid, message));
	}

	/**
	 * Stop every worker gracefully, then end {@link #run} with exit code 0; safe to call
	 * from any thread, including a signal handler. No worker is started from now on.
	 */
	void requestShutdown() {
		this.stopRequested = true;
		this.loop.execute(() -> shutdown(0));
	}

	private void handle(long pid, ClusterMessage message) {
		WorkerRun run = this.slots.run(pid);
		if (run == null) {
			return;
		}
		if (message instanceof ClusterMessage.Ready) {
			ready(run);
		}
		else if (message instanceof ClusterMessage.Heartbeat heartbeat) {
			run.heartbeat(heartbeat);
		}
		else if (message instanceof ClusterMessage.Stopping && run.state() != WorkerState.DRAINING) {
			logger.info(run.describe() + " is shutting down on its own");
		}
		else if (message instanceof ClusterMessage.Request request && this.replier != null) {
			this.replier.send(pid, this.requests.answer(request));
		}
	}

	private void enqueue(WorkerSlot slot) {
		this.slots.await(slot);
		startWaiting();
	}

	/** Start waiting workers while fewer than the plan allows are starting. */
	private void startWaiting() {
		while (!isShuttingDown() && this.slots.hasWaiting() && this.slots.starting() < this.plan.maxStarting()) {
			launch(this.slots.nextWaiting());
		}
	}

	private void launch(WorkerSlot slot) {
		if (slot.isRetiring() || !this.slots.contains(slot)) {
			return;
		}
		WorkerRun run = this.processes.start(slot.id(), this.slots.configured());
		if (run == null) {
			shutdown(1);
			return;
		}
		slot.current(run);
		logger.info(run.describe() + " starting");
	}

	private void ready(WorkerRun run) {
		if (run.state() != WorkerState.STARTING) {
			return;
		}
		if (this.reload != null && this.reload.owns(run)) {
			logger.info(run.describe() + " (replacement) ready in " + seconds(run.uptime()));
			this.reload.onReady(run);
			afterReloadStep();
			return;
		}
		run.state(WorkerState.READY);
		logger.info(run.describe() + " ready in " + seconds(run.uptime()));
		if (!this.announcedReady && this.slots.allReady()) {
			this.announcedReady = true;
			logger.info("Cluster ready: " + this.slots.configured() + " workers in "
					+ seconds(Duration.ofNanos(System.nanoTime() - this.startNanos)));
			PrimaryFootprint.shrink();
		}
		startWaiting();
	}

	private void exited(WorkerRun run, int code) {
		WorkerState previous = run.state();
		run.state((previous == WorkerState.DRAINING || this.shuttingDown) ? WorkerState.STOPPED : WorkerState.FAILED);
		WorkerSlot slot = this.slots.slotOf(run);
		if (this.reload != null && this.reload.owns(run)) {
			this.reload.onExit(run, code);
			afterReloadStep();
		}
		else if (slot != null && slot.current() == run && run.state() == WorkerState.STOPPED) {
			slot.lastExit(ExitStatus.record(code, ExitReason.REQUESTED));
			logger.info(run.describe() + " stopped (" + ExitStatus.describe(code) + ")");
			if (slot.isRetiring()) {
				this.slots.remove(slot);
			}
		}
		else if (slot != null && slot.current() == run) {
			failed(slot, run, code, previous);
		}
		finishIfStopped();
		startWaiting();
	}

	private void failed(WorkerSlot slot, WorkerRun run, int code, WorkerState previous) {
		ExitReason reason = (run.exitReason() != null) ? run.exitReason() : ExitStatus.unaskedReason(code);
		slot.lastExit(ExitStatus.record(code, reason));
		Duration delay = slot.restartPolicy().onFailure(System.nanoTime(), run.uptime());
		if (delay == null) {
			logger.error(run.describe() + " failed " + slot.restartPolicy().recentFailures() + " times within "
					+ this.properties.getRestart().getWindow().toSeconds() + " s; stopping the cluster."
					+ ((previous == WorkerState.STARTING) ? " It never became ready. " : " ") + "Its last output:"
					+ System.lineSeparator()
					+ String.join(System.lineSeparator(), ExitStatus.excerpt(run.handle().outputTail())));
			shutdown(1);
			return;
		}
		logger.warn(run.describe() + " exited with " + ExitStatus.describe(code) + " after " + seconds(run.uptime())
				+ "; restarting in " + seconds(delay) + " (restart " + slot.countRestart() + ")");
		this.loop.schedule(() -> {
			// A reload may have replaced the process meanwhile.
			if (slot.current() == run) {
				enqueue(slot);
			}
		}, delay);
	}

	/**
	 * Grow or shrink the cluster: new ids start a few at a time, the highest ids drain.
	 * @param target the number of workers
	 */
	void resize(int target) {
		logger.info("Scaling from " + this.slots.configured() + " to " + target + " workers");
		List<WorkerSlot> added = new ArrayList<>();
		for (int id = 0; id < target; id++) {
			WorkerSlot slot = this.slots.slot(id);
			if (slot == null) {
				added.add(this.slots.add(id));
			}
			else if (slot.isRetiring()) {
				// Its process still drains: start a new one beside it.
				slot.keep();
				added.add(slot);
			}
		}
		for (WorkerSlot slot : this.slots.all()) {
			if (slot.id() >= target && !slot.isRetiring()) {
				slot.retire();
				if (slot.isLive()) {
					retire(slot.current());
				}
				else {
					this.slots.remove(slot);
				}
			}
		}
		added.forEach(this::enqueue);
	}

	/**
	 * Start a rolling reload of every worker id the cluster keeps.
	 * @return the reload
	 */
	RollingReload startReload() {
		RollingReload started = new RollingReload(String.valueOf(++this.reloads),
				this.slots.all().stream().filter((slot) -> !slot.isRetiring()).map(WorkerSlot::id).toList(), this);
		this.reload = started;
		started.start();
		afterReloadStep();
		return started;
	}

	/**
	 * Resize once the running reload has ended: a reload replaces the ids it started
	 * with, one at a time.
	 * @param target the number of workers
	 */
	void resizeAfterReload(int target) {
		logger.info("Scaling to " + target + " workers once reload " + this.reload.id() + " has ended");
		this.resizeAfterReload = target;
	}

	private void afterReloadStep() {
		if (this.reload == null || this.reload.isRunning() || this.shuttingDown) {
			return;
		}
		PrimaryFootprint.shrink();
		Integer target = this.resizeAfterReload;
		this.resizeAfterReload = null;
		if (target != null && target != this.slots.configured()) {
			resize(target);
		}
	}

	@Nullable RollingReload runningReload() {
		return (this.reload != null && this.reload.isRunning()) ? this.reload : null;
	}

	boolean isShuttingDown() {
		return this.shuttingDown || this.stopRequested;
	}

	@Nullable RollingReload lastReload() {
		return this.reload;
	}

	@Override
	public @Nullable WorkerRun current(int workerId) {
		WorkerSlot slot = this.slots.slot(workerId);
		return (slot != null) ? slot.current() : null;
	}

	@Override
	public @Nullable WorkerRun startReplacement(int workerId) {
		WorkerRun old = current(workerId);
		WorkerRun run = this.processes.start(workerId, this.slots.configured());
		if (run != null) {
			logger.info(run.describe() + " starting to replace " + ((old != null) ? "pid " + old.pid() : "no process"));
		}
		return run;
	}

	@Override
	public void promote(WorkerRun replacement) {
		replacement.state(WorkerState.READY);
		WorkerSlot slot = this.slots.slotOf(replacement);
		if (slot != null) {
			slot.current(replacement);
		}
	}

	@Override
	public void retire(WorkerRun old) {
		this.processes.retire(old);
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
		this.slots.clearWaiting();
		Collection<WorkerRun> live = this.slots.runs();
		logger.info("Stopping " + live.size() + " workers (graceful, up to "
				+ seconds(this.properties.getShutdownTimeout()) + ")");
		live.stream().filter((run) -> run.state() != WorkerState.DRAINING).forEach(this::retire);
		finishIfStopped();
	}

	private void finishIfStopped() {
		if (this.shuttingDown && this.slots.runs().isEmpty() && !this.exitCode.isDone()) {
			logger.info("All workers stopped");
			this.exitCode.complete(this.shutdownExitCode);
		}
	}

	static String seconds(Duration duration) {
		return String.format("%.1f s", duration.toMillis() / 1000.0);
	}

	/**
	 * Sends a message to a worker process.
	 */
	@FunctionalInterface
	interface Replier {

		void send(long pid, ClusterMessage message);

	}

}
