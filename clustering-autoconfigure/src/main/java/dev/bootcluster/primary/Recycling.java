package dev.bootcluster.primary;

import java.util.Collection;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.WorkerState;

/**
 * Replaces the ready workers {@link WorkerHealth} gives up on, the way a reload replaces
 * them: through the {@link Rollover}, replacement ready first, then the old one drains,
 * so no request fails. A hung worker's thread dump goes to the log first, and its
 * replacement goes before any other waiting one. Runs on the supervisor's thread.
 */
final class Recycling implements Replacement.Listener {

	private static final Log logger = LogFactory.getLog(Recycling.class);

	private final WorkerHealth health;

	private final Rollover rollover;

	private final Supervisor.Replier replier;

	Recycling(WorkerHealth health, Rollover rollover, Supervisor.Replier replier) {
		this.health = health;
		this.rollover = rollover;
		this.replier = replier;
	}

	void onHeartbeat(WorkerRun run) {
		if (isJudged(run)) {
			replaceIf(run, this.health.onHeartbeat(run, System.nanoTime()));
		}
	}

	/**
	 * Look for ready workers that went silent.
	 * @param runs every process the primary tracks
	 */
	void onTick(Collection<WorkerRun> runs) {
		long now = System.nanoTime();
		for (WorkerRun run : runs) {
			if (isJudged(run)) {
				replaceIf(run, this.health.onTick(run, now));
			}
		}
	}

	private static boolean isJudged(WorkerRun run) {
		return run.state() == WorkerState.READY && !run.isBeingReplaced();
	}

	private void replaceIf(WorkerRun run, WorkerHealth.@Nullable Verdict verdict) {
		if (verdict == null) {
			return;
		}
		boolean hung = verdict.reason() == ExitReason.HEARTBEAT_TIMEOUT;
		if (!hung && this.rollover.isQueued(run.workerId())) {
			// A reload replaces it anyway.
			return;
		}
		run.beingReplaced();
		if (hung) {
			logger.error(run.describe() + " is hung: " + verdict.why()
					+ "; its thread dump follows in its output, and a replacement starts");
			run.handle().threadDump();
			// The connections still queued on the shared port are better served by the
			// others, or by the replacement.
			this.replier.send(run.pid(), new ClusterMessage.StopAccepting());
		}
		else {
			logger.warn(run.describe() + " " + verdict.why() + "; replacing it");
		}
		this.rollover.add(new Replacement(run, verdict.reason(), this), hung);
	}

	@Override
	public void replaced(Replacement replacement) {
		logger.info("worker " + replacement.workerId() + " replaced (" + replacement.reason().value() + "): pid "
				+ replacement.oldPid() + " -> " + replacement.incoming().pid() + ", ready in "
				+ LogFormat.seconds(replacement.readyMillis()) + ", drained in "
				+ LogFormat.seconds(replacement.drainMillis()) + replacement.incomingExitedNote());
	}

	@Override
	public void failed(Replacement replacement, @Nullable WorkerRun run, int code) {
		WorkerRun old = replacement.onlyIfStill();
		logger.error("worker " + replacement.workerId() + " could not be replaced (" + replacement.reason().value()
				+ "): its replacement "
				+ ((run != null)
						? "(pid " + run.pid() + ") exited with " + ExitStatus.describe(code) + " before it became ready"
						: "could not be started"));
		if (old != null && replacement.reason() == ExitReason.HEARTBEAT_TIMEOUT && old.isLive()) {
			// A hung worker serves nothing: end it, and it is restarted as any failed
			// one.
			old.exitReason(ExitReason.HEARTBEAT_TIMEOUT);
			old.handle().kill();
		}
	}

}
