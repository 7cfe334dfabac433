package dev.bootcluster.primary;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.bootcluster.autoconfigure.ClusterProperties;
import dev.bootcluster.ipc.IpcMessage;

/**
 * The primary's state machine. Every event (a worker ready, a worker exited, a timer, a
 * signal) runs on one thread, so decisions never race: start every worker, restart the
 * ones that exit unasked with backoff, give up on a crash loop, stop all on shutdown.
 */
final class Supervisor {

	private static final Log logger = LogFactory.getLog(Supervisor.class);

	private final ClusterProperties properties;

	private final Launcher launcher;

	private final List<WorkerSlot> slots = new ArrayList<>();

	private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "cluster-supervisor");
		thread.setDaemon(true);
		return thread;
	});

	private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();

	private long startNanos;

	private boolean announcedReady;

	private boolean shuttingDown;

	private int shutdownExitCode;

	Supervisor(ClusterProperties properties, int workers, Launcher launcher) {
		this.properties = properties;
		this.launcher = launcher;
		for (int id = 0; id < workers; id++) {
			this.slots.add(new WorkerSlot(id, properties.getRestart()));
		}
	}

	/**
	 * Start every worker and supervise them until the cluster stops.
	 * @return the exit code for the primary: 0 after a requested shutdown, 1 after giving up
	 */
	int run() {
		this.loop.execute(this::startAll);
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
		this.loop.execute(() -> handle(workerId, pid, message));
	}

	/**
	 * Stop every worker gracefully, then end {@link #run()} with exit code 0; safe to call
	 * from any thread, including a signal handler.
	 */
	void requestShutdown() {
		this.loop.execute(() -> shutdown(0));
	}

	private void startAll() {
		this.startNanos = System.nanoTime();
		this.slots.forEach(this::launch);
	}

	private void launch(WorkerSlot slot) {
		if (this.shuttingDown) {
			return;
		}
		WorkerHandle process;
		try {
			process = this.launcher.launch(slot.id());
		}
		catch (IOException | RuntimeException ex) {
			logger.error("worker " + slot.id() + " could not be started: " + ex.getMessage());
			shutdown(1);
			return;
		}
		slot.started(process, System.nanoTime());
		logger.info(slot.describe() + " starting");
		process.onExit().thenAccept((code) -> this.loop.execute(() -> exited(slot, process, code)));
		this.loop.schedule(() -> checkStarted(slot, process), this.properties.getStartupTimeout().toMillis(),
				TimeUnit.MILLISECONDS);
	}

	private void handle(int workerId, long pid, IpcMessage message) {
		if (workerId < 0 || workerId >= this.slots.size() || !this.slots.get(workerId).holds(pid)) {
			return;
		}
		WorkerSlot slot = this.slots.get(workerId);
		switch (message.type()) {
			case READY -> ready(slot);
			case STOPPING -> {
				if (slot.state() != WorkerState.DRAINING) {
					logger.info(slot.describe() + " is shutting down on its own");
				}
			}
			case HELLO, FAILED -> {
			}
		}
	}

	private void ready(WorkerSlot slot) {
		if (slot.state() != WorkerState.STARTING) {
			return;
		}
		long now = System.nanoTime();
		slot.state(WorkerState.READY);
		logger.info(slot.describe() + " ready in " + seconds(slot.uptime(now)));
		if (!this.announcedReady && this.slots.stream().allMatch((each) -> each.state() == WorkerState.READY)) {
			this.announcedReady = true;
			logger.info("Cluster ready: " + this.slots.size() + " workers in "
					+ seconds(Duration.ofNanos(now - this.startNanos)));
		}
	}

	private void checkStarted(WorkerSlot slot, WorkerHandle process) {
		if (slot.holds(process.pid()) && slot.state() == WorkerState.STARTING && !this.shuttingDown) {
			logger.warn(slot.describe() + " did not become ready within "
					+ seconds(this.properties.getStartupTimeout()) + "; killing it");
			process.kill();
		}
	}

	private void exited(WorkerSlot slot, WorkerHandle process, int code) {
		if (!slot.holds(process.pid())) {
			return;
		}
		long now = System.nanoTime();
		Duration uptime = slot.uptime(now);
		if (slot.state() == WorkerState.DRAINING || this.shuttingDown) {
			slot.state(WorkerState.STOPPED);
			logger.info(slot.describe() + " stopped (" + ExitStatus.describe(code) + ")");
			finishIfStopped();
			return;
		}
		boolean neverReady = slot.state() == WorkerState.STARTING;
		slot.state(WorkerState.FAILED);
		Duration delay = slot.restartPolicy().onFailure(now, uptime);
		if (delay == null) {
			giveUp(slot, process, neverReady);
			return;
		}
		logger.warn(slot.describe() + " exited with " + ExitStatus.describe(code) + " after " + seconds(uptime)
				+ "; restarting in " + seconds(delay) + " (restart " + slot.countRestart() + ")");
		this.loop.schedule(() -> launch(slot), delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void giveUp(WorkerSlot slot, WorkerHandle process, boolean neverReady) {
		logger.error(slot.describe() + " failed " + slot.restartPolicy().recentFailures() + " times within "
				+ this.properties.getRestart().getWindow().toSeconds() + " s; stopping the cluster."
				+ (neverReady ? " It never became ready. " : " ") + "Its last output:"
				+ System.lineSeparator() + String.join(System.lineSeparator(), ExitStatus.excerpt(process.outputTail())));
		shutdown(1);
	}

	private void shutdown(int code) {
		if (this.shuttingDown) {
			return;
		}
		this.shuttingDown = true;
		this.shutdownExitCode = code;
		List<WorkerSlot> live = liveSlots();
		logger.info("Stopping " + live.size() + " workers (graceful, up to "
				+ seconds(this.properties.getShutdownTimeout()) + ")");
		for (WorkerSlot slot : live) {
			slot.state(WorkerState.DRAINING);
			slot.process().stop();
		}
		this.loop.schedule(this::killRemaining, this.properties.getShutdownTimeout().toMillis(),
				TimeUnit.MILLISECONDS);
		finishIfStopped();
	}

	private void killRemaining() {
		for (WorkerSlot slot : liveSlots()) {
			logger.warn(slot.describe() + " did not stop within " + seconds(this.properties.getShutdownTimeout())
					+ "; killing it");
			slot.process().kill();
		}
	}

	private void finishIfStopped() {
		if (this.shuttingDown && liveSlots().isEmpty()) {
			logger.info("All workers stopped");
			this.exitCode.complete(this.shutdownExitCode);
		}
	}

	private List<WorkerSlot> liveSlots() {
		return this.slots.stream()
			.filter((slot) -> slot.process() != null && switch (slot.state()) {
				case STARTING, READY, DRAINING -> true;
				case STOPPED, FAILED -> false;
			})
			.toList();
	}

	private static String seconds(Duration duration) {
		return String.format("%.1f s", duration.toMillis() / 1000.0);
	}

	/**
	 * Starts the JVM for a worker id.
	 */
	@FunctionalInterface
	interface Launcher {

		WorkerHandle launch(int workerId) throws IOException;

	}

}
