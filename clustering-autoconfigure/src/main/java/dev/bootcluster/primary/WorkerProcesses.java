package dev.bootcluster.primary;

import java.io.IOException;
import java.time.Duration;
import java.util.function.ObjIntConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.ipc.WorkerState;

/**
 * The supervisor's hands: forks a worker process and tracks it, kills one that is not
 * ready within the startup timeout, and drains one the supervisor retires, killing it if
 * it overstays the shutdown timeout. Every exit comes back on the supervisor's loop. It
 * also gives the {@link Rollover} the processes it replaces.
 */
final class WorkerProcesses implements Rollover.Workers {

	private static final Log logger = LogFactory.getLog(WorkerProcesses.class);

	/**
	 * How often the CPU time of a replacement started gently is looked at while it
	 * starts.
	 */
	static final Duration GENTLE_CHECK = Duration.ofSeconds(2);

	/**
	 * The CPU time below which a replacement started gently is starving: a quarter of a
	 * core over {@link #GENTLE_CHECK}. A JVM starting on an idle core takes more than
	 * that.
	 */
	private static final Duration STARVING = GENTLE_CHECK.dividedBy(4);

	/**
	 * By how many nice values the priority of a starving replacement is raised at each
	 * check: from the gentle start's +10 to the primary's in five raises, 12 s after its
	 * start at most. Measured under a saturating load on 2 cores, a replacement got about
	 * 10% of a core at +10, 17 to 27% at +6, 34 to 49% at +4 to +2 and 0.6 to 0.8 of a
	 * core at the primary's +0.
	 */
	static final int GENTLE_STEP = 2;

	/**
	 * How often returning a worker to the primary's priority is tried,
	 * {@link #GENTLE_CHECK} apart, before it is left as it is.
	 */
	private static final int NORMAL_PRIORITY_ATTEMPTS = 5;

	private final ClusterProperties properties;

	private final WorkerLauncher launcher;

	private final SupervisorLoop loop;

	private final WorkerSlots slots;

	private final ObjIntConsumer<WorkerRun> onExit;

	WorkerProcesses(ClusterProperties properties, WorkerLauncher launcher, SupervisorLoop loop, WorkerSlots slots,
			ObjIntConsumer<WorkerRun> onExit) {
		this.properties = properties;
		this.launcher = launcher;
		this.loop = loop;
		this.slots = slots;
		this.onExit = onExit;
	}

	/**
	 * Fork a process for a worker id and track it until it exits.
	 * @param workerId the worker id
	 * @param workerCount the number of workers the cluster has now
	 * @param start why it starts: a replacement of a worker that still serves starts
	 * gently, if the launcher can
	 * @param restoring whether it restores the capacity of a worker that failed after it
	 * served: then it starts at a higher CPU priority than the serving workers until it
	 * is ready, if the launcher can
	 * @return the process, or {@code null} when it could not be started
	 */
	@Nullable WorkerRun start(int workerId, int workerCount, WorkerLaunch.Start start, boolean restoring) {
		WorkerHandle handle;
		try {
			handle = this.launcher.launch(workerId, workerCount, start);
		}
		catch (IOException | RuntimeException ex) {
			logger.error("worker " + workerId + " could not be started: " + ex.getMessage());
			return null;
		}
		WorkerRun run = new WorkerRun(workerId, handle);
		boolean gentle = start == WorkerLaunch.Start.REPLACING && this.launcher.startsGently();
		run.gentle(gentle);
		run.urgent(restoring && this.launcher.startUrgently(handle, run.describe()));
		this.slots.track(run);
		handle.onExit().thenAccept((code) -> this.loop.execute(() -> {
			this.slots.untrack(run);
			this.onExit.accept(run, code);
		}));
		this.loop.schedule(() -> killIfStillStarting(run), this.properties.getStartupTimeout());
		if (gentle || run.isUrgent()) {
			// Slowed down that much, a gentle start would fail; an urgent one that takes
			// that long gets no more CPU time from the serving workers.
			this.loop.schedule(() -> {
				if (run.state() == WorkerState.STARTING) {
					normalPriority(run);
				}
			}, this.properties.getStartupTimeout().dividedBy(2));
		}
		if (gentle) {
			raisePriorityIfStarving(run, null);
		}
		return run;
	}

	/**
	 * A lower priority lets a replacement start on the CPU time the serving workers
	 * leave. When they leave it next to none (a saturated host), it would only wait: its
	 * priority is raised step by step until it gets a quarter of a core, so that it
	 * starts without taking more from the serving workers than it needs to start at all.
	 */
	private void raisePriorityIfStarving(WorkerRun run, @Nullable Duration before) {
		if (!run.isGentle() || run.state() != WorkerState.STARTING) {
			return;
		}
		Duration now = run.handle().cpuTime().orElse(null);
		if (now == null) {
			return;
		}
		Duration got = (before != null) ? now.minus(before) : null;
		if (got != null && got.compareTo(STARVING) < 0) {
			String why = "had " + got.toMillis() + " ms of CPU in the last " + LogFormat.seconds(GENTLE_CHECK);
			if (!this.launcher.raisePriority(run.handle(), run.describe(), GENTLE_STEP, why)) {
				run.gentle(false);
				return;
			}
		}
		this.loop.schedule(() -> raisePriorityIfStarving(run, now), GENTLE_CHECK);
	}

	/**
	 * Return a worker started gently or urgently to the primary's CPU priority: once it
	 * is ready, when it is still starting after half the startup timeout, or, started
	 * gently, when the worker it replaces exited.
	 * @param run the worker
	 */
	void normalPriority(WorkerRun run) {
		if (run.isGentle() || run.isUrgent()) {
			run.gentle(false);
			run.urgent(false);
			returnToNormalPriority(run, NORMAL_PRIORITY_ATTEMPTS);
		}
	}

	private void returnToNormalPriority(WorkerRun run, int attempts) {
		if (this.launcher.normalPriority(run.handle(), run.describe()) && attempts > 1 && run.isLive()) {
			// Such as a JVM that started threads faster than they were changed: not left
			// above or below the serving workers.
			this.loop.schedule(() -> returnToNormalPriority(run, attempts - 1), GENTLE_CHECK);
		}
	}

	private void killIfStillStarting(WorkerRun run) {
		if (run.state() == WorkerState.STARTING) {
			logger.warn(run.describe() + " did not become ready within "
					+ LogFormat.seconds(this.properties.getStartupTimeout()) + "; killing it");
			run.exitReason(ExitReason.STARTUP_TIMEOUT);
			run.handle().kill();
		}
	}

	/**
	 * Drain a process and stop it (SIGTERM), then kill it if it is still running after
	 * the shutdown timeout.
	 * @param run the process
	 * @param reason why, for its exit record
	 */
	@Override
	public void retire(WorkerRun run, ExitReason reason) {
		run.state(WorkerState.DRAINING);
		run.exitReason(reason);
		logger.info(run.describe() + " draining");
		run.handle().stop();
		this.loop.schedule(() -> {
			if (run.isLive()) {
				logger.warn(run.describe() + " did not stop within "
						+ LogFormat.seconds(this.properties.getShutdownTimeout()) + "; killing it");
				run.handle().kill();
			}
		}, this.properties.getShutdownTimeout());
	}

	@Override
	public @Nullable WorkerRun current(int workerId) {
		WorkerSlot slot = this.slots.slot(workerId);
		return (slot != null) ? slot.current() : null;
	}

	@Override
	public boolean keeps(int workerId) {
		WorkerSlot slot = this.slots.slot(workerId);
		return slot != null && !slot.isRetiring();
	}

	@Override
	public @Nullable WorkerRun startReplacement(int workerId, @Nullable WorkerRun old, boolean oldServes) {
		WorkerRun run = start(workerId, this.slots.configured(),
				oldServes ? WorkerLaunch.Start.REPLACING : WorkerLaunch.Start.ADDING, false);
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
		if (slot == null || slot.isRetiring()) {
			// A scale down removed its id while it started.
			retire(replacement, ExitReason.SCALE);
		}
	}

}
