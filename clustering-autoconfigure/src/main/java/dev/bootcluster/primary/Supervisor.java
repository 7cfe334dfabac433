package dev.bootcluster.primary;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.ipc.WorkerState;

/**
 * The primary's state machine, run on the {@link SupervisorLoop}: starts every worker (a
 * few at a time), follows each process from fork to exit, and stops everything on
 * shutdown. Its collaborators decide the rest: {@link Restarts} what a failure means,
 * {@link Rollover} replacements (reloads and {@link Recycling}), {@link OperatorRequests}
 * what operators ask for, {@link Leadership} which worker runs the single-worker jobs.
 */
final class Supervisor {

	private static final Log logger = LogFactory.getLog(Supervisor.class);

	private static final Duration HEALTH_CHECK_PERIOD = Duration.ofSeconds(1);

	private final ClusterProperties properties;

	private final ClusterPlan plan;

	private final SupervisorLoop loop = new SupervisorLoop();

	private final WorkerSlots slots;

	private final WorkerLauncher launcher;

	private final WorkerProcesses processes;

	private final Rollover rollover;

	private final Restarts restarts;

	private final Recycling recycling;

	private final OperatorRequests requests;

	private final Leadership leadership;

	private final ClusterCounters counters = new ClusterCounters();

	private final ClusterScrapes scrapes;

	private final Consumer<ManagementProxy.Targets> managementTargets;

	private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

	private final long startNanos = System.nanoTime();

	private volatile boolean stopRequested;

	private @Nullable Replier replier;

	private boolean announcedReady;

	private boolean shuttingDown;

	private int shutdownExitCode;

	/**
	 * A supervisor.
	 * @param properties {@code app.cluster.*}
	 * @param plan the cluster's size and ports
	 * @param launcher starts worker processes
	 * @param managementTargets told where the management port may send connections
	 * whenever the workers change
	 */
	Supervisor(ClusterProperties properties, ClusterPlan plan, WorkerLauncher launcher,
			Consumer<ManagementProxy.Targets> managementTargets) {
		this.managementTargets = managementTargets;
		this.launcher = launcher;
		this.properties = properties;
		this.plan = plan;
		this.slots = new WorkerSlots(plan.workers(), properties.getRestart());
		this.processes = new WorkerProcesses(properties, launcher, this.loop, this.slots, this::exited);
		this.rollover = new Rollover(this.processes);
		this.restarts = new Restarts(properties.getRestart(), this.loop, this::enqueue, () -> shutdown(1),
				() -> this.slots.ready() > 0);
		this.recycling = new Recycling(new WorkerHealth(properties.getWorker(), RandomGenerator.getDefault()),
				this.rollover, this::send);
		this.requests = new OperatorRequests(this, this.slots, plan, this.counters);
		this.leadership = new Leadership(this::send);
		this.scrapes = new ClusterScrapes(this.loop, this::send, properties.getMetrics().getScrapeTimeout(),
				() -> new ClusterScrapes.Meters(List.copyOf(this.slots.runs()), this.counters));
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
		this.loop.every(HEALTH_CHECK_PERIOD, () -> {
			this.recycling.onTick(this.slots.runs());
			afterEvent();
		});
		if (PrimaryFootprint.needsNativeTrimming()) {
			this.loop.every(PrimaryFootprint.NATIVE_TRIM_PERIOD, PrimaryFootprint::trimNativeHeap);
		}
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
		if (message instanceof ClusterMessage.Ready ready) {
			run.managementPort(ready.managementPort());
			ready(run);
		}
		else if (message instanceof ClusterMessage.Heartbeat heartbeat) {
			run.heartbeat(heartbeat);
			this.recycling.onHeartbeat(run);
		}
		else if (message instanceof ClusterMessage.Stopping) {
			run.closing();
			if (run.state() != WorkerState.DRAINING) {
				logger.info(run.describe() + " is shutting down on its own");
			}
		}
		else if (message instanceof ClusterMessage.LeadershipReleased released) {
			this.leadership.released(run, released.term());
		}
		else if (message instanceof ClusterMessage.ScrapeReply reply) {
			// Changes nothing about the workers.
			this.scrapes.reply(run, reply);
			return;
		}
		else if (message instanceof ClusterMessage.MetricsRequest metrics) {
			this.scrapes.start(pid, metrics, this.slots.scrapeTargets());
		}
		else if (message instanceof ClusterMessage.Request request) {
			send(pid, this.requests.answer(request));
		}
		afterEvent();
	}

	/**
	 * After anything that may have changed which workers are ready: who runs the
	 * single-worker jobs, and where the management port sends new connections.
	 */
	private void afterEvent() {
		this.leadership.reconcile(this.slots.runs());
		this.managementTargets.accept(this.slots.managementTargets());
	}

	private void send(long pid, ClusterMessage message) {
		if (this.replier != null) {
			this.replier.send(pid, message);
		}
	}

	/**
	 * Queue a worker id to start when fewer than the plan allows are starting.
	 * @param slot the worker id
	 */
	void enqueue(WorkerSlot slot) {
		this.slots.await(slot);
		startWaiting();
	}

	private void startWaiting() {
		while (!isShuttingDown() && this.slots.hasWaiting() && this.slots.starting() < this.plan.maxStarting()) {
			launch(this.slots.nextWaiting());
		}
	}

	private void launch(WorkerSlot slot) {
		if (slot.isRetiring() || !this.slots.contains(slot)) {
			return;
		}
		WorkerRun current = slot.current();
		if (current != null && (current.state() == WorkerState.STARTING || current.state() == WorkerState.READY)) {
			// A replacement became its process while it waited for its turn: a second one
			// would serve beside it, outside the books.
			slot.restoring(false);
			logger.info(current.describe() + " took its place meanwhile: its restart is dropped");
			return;
		}
		// Not above the serving workers while a reload's replacement for it starts too.
		boolean restoring = slot.isRestoring() && this.rollover.starting(slot.id()) == null;
		// Launched while no worker serves, before the cluster was ever ready, and not
		// after it served itself: its longer start takes no capacity the cluster had.
		boolean first = !this.announcedReady && this.slots.ready() == 0 && !slot.isRestoring();
		WorkerRun run = this.processes.start(slot.id(), this.slots.configured(),
				first ? WorkerLaunch.Start.FIRST : WorkerLaunch.Start.ADDING, restoring);
		if (run == null) {
			this.restarts.couldNotStart(slot);
			return;
		}
		slot.restoring(false);
		slot.current(run);
		logger.info(run.describe() + " starting");
	}

	private void ready(WorkerRun run) {
		if (run.state() != WorkerState.STARTING) {
			return;
		}
		this.processes.normalPriority(run);
		if (this.rollover.owns(run)) {
			logger.info(run.describe() + " (replacement) ready in " + LogFormat.seconds(run.uptime()));
			this.rollover.onReady(run);
		}
		else {
			run.state(WorkerState.READY);
			logger.info(run.describe() + " ready in " + LogFormat.seconds(run.uptime()));
			if (!this.announcedReady && this.slots.allReady()) {
				this.announcedReady = true;
				logger.info("Cluster ready: " + this.slots.configured() + " workers in "
						+ LogFormat.seconds(Duration.ofNanos(System.nanoTime() - this.startNanos)));
				settled();
			}
		}
		startWaiting();
	}

	private void exited(WorkerRun run, int code) {
		WorkerState previous = run.state();
		boolean asked = previous == WorkerState.DRAINING || isShuttingDown();
		run.state(asked ? WorkerState.STOPPED : WorkerState.FAILED);
		ExitReason reason = (run.exitReason() != null) ? run.exitReason()
				: asked ? ExitReason.SHUTDOWN : ExitStatus.unaskedReason(code);
		this.counters.ended(reason);
		WorkerSlot slot = this.slots.slotOf(run);
		if (asked) {
			stopped(slot, run, code);
		}
		WorkerRun replacement = this.rollover.starting(run.workerId());
		if (replacement != null && replacement != run) {
			// The process it was to replace is gone: its start no longer waits for CPU
			// time.
			this.processes.normalPriority(replacement);
		}
		if (this.rollover.owns(run)) {
			this.rollover.onExit(run, code);
		}
		else if (!asked && slot != null && slot.current() == run) {
			this.restarts.failed(slot, run, code, previous);
		}
		finishIfStopped();
		startWaiting();
		afterEvent();
	}

	private void stopped(@Nullable WorkerSlot slot, WorkerRun run, int code) {
		ExitReason reason = (run.exitReason() != null) ? run.exitReason() : ExitReason.SHUTDOWN;
		logger.info(run.describe() + " stopped (" + reason.value() + ", " + ExitStatus.describe(code) + ")");
		if (slot == null) {
			return;
		}
		slot.lastExit(ExitStatus.record(code, reason));
		if (reason.isRecycling()) {
			slot.countRestart();
		}
		if (slot.current() == run && slot.isRetiring()) {
			this.slots.remove(slot);
		}
	}

	/**
	 * Every worker is ready: return the primary's spare memory and let the launcher do
	 * its background work.
	 */
	void settled() {
		PrimaryFootprint.shrink();
		this.launcher.settled();
	}

	void retire(WorkerRun run, ExitReason reason) {
		this.processes.retire(run, reason);
	}

	Rollover rollover() {
		return this.rollover;
	}

	boolean isShuttingDown() {
		return this.shuttingDown || this.stopRequested;
	}

	private void shutdown(int code) {
		if (this.shuttingDown) {
			return;
		}
		this.shuttingDown = true;
		this.shutdownExitCode = code;
		this.rollover.stop();
		this.slots.clearWaiting();
		Collection<WorkerRun> live = this.slots.runs();
		logger.info("Stopping " + live.size() + " workers (graceful, up to "
				+ LogFormat.seconds(this.properties.getShutdownTimeout()) + ")");
		live.stream()
			.filter((run) -> run.state() != WorkerState.DRAINING)
			.forEach((run) -> this.processes.retire(run, ExitReason.SHUTDOWN));
		finishIfStopped();
	}

	private void finishIfStopped() {
		if (this.shuttingDown && this.slots.runs().isEmpty() && !this.exitCode.isDone()) {
			logger.info("All workers stopped");
			this.exitCode.complete(this.shutdownExitCode);
		}
	}

	/**
	 * Sends a message to a worker process.
	 */
	@FunctionalInterface
	interface Replier {

		void send(long pid, ClusterMessage message);

	}

}
