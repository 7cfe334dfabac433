package dev.bootcluster.primary;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.ReloadState;

/**
 * A zero-downtime rolling reload an operator asked for: one {@link Replacement} per
 * worker id, run in turn by the {@link Rollover}. If a replacement does not become ready,
 * the reload stops and the old processes keep serving. Runs on the supervisor's thread.
 */
final class RollingReload implements Replacement.Listener {

	private static final Log logger = LogFactory.getLog(RollingReload.class);

	private final String id;

	private final Instant started = Instant.now();

	private final List<Integer> workerIds;

	private final Rollover rollover;

	private final Runnable whenFinished;

	private final List<ClusterStatus.Step> steps = new ArrayList<>();

	private int done;

	private ReloadState state = ReloadState.RUNNING;

	private String outcome = "in progress";

	private @Nullable Instant finished;

	RollingReload(String id, List<Integer> workerIds, Rollover rollover, Runnable whenFinished) {
		this.id = id;
		this.workerIds = List.copyOf(workerIds);
		this.rollover = rollover;
		this.whenFinished = whenFinished;
	}

	String id() {
		return this.id;
	}

	boolean isRunning() {
		return this.state == ReloadState.RUNNING;
	}

	void start() {
		logger.info("Reload " + this.id + " started: replacing " + this.workerIds.size() + " workers one at a time");
		if (this.workerIds.isEmpty()) {
			finish(ReloadState.SUCCEEDED, "replaced 0 workers");
			return;
		}
		this.workerIds
			.forEach((workerId) -> this.rollover.add(new Replacement(workerId, ExitReason.RELOAD, this), false));
	}

	@Override
	public void started(Replacement replacement) {
		this.steps.add(step(replacement));
	}

	@Override
	public void ready(Replacement replacement) {
		updateStep(replacement);
	}

	@Override
	public void replaced(Replacement replacement) {
		if (!isRunning()) {
			return;
		}
		updateStep(replacement);
		logger.info("Reload " + this.id + ": worker " + replacement.workerId() + " replaced (pid "
				+ replacement.oldPid() + " -> " + replacement.incoming().pid() + "), ready in "
				+ LogFormat.seconds(replacement.readyMillis()) + ", drained in "
				+ LogFormat.seconds(replacement.drainMillis()) + replacement.incomingExitedNote());
		stepDone();
	}

	@Override
	public void skipped(Replacement replacement) {
		stepDone();
	}

	private void stepDone() {
		if (isRunning() && ++this.done == this.workerIds.size()) {
			finish(ReloadState.SUCCEEDED, "replaced " + this.steps.size() + " workers");
		}
	}

	@Override
	public void failed(Replacement replacement, @Nullable WorkerRun run, int code) {
		if (!isRunning()) {
			return;
		}
		this.rollover.cancel((waiting) -> waiting.listener() == this);
		if (run == null) {
			finish(ReloadState.FAILED, "worker " + replacement.workerId() + " replacement could not be started");
			return;
		}
		updateStep(replacement);
		String why = (run.exitReason() == ExitReason.STARTUP_TIMEOUT)
				? "did not become ready within the startup timeout"
				: "exited with " + ExitStatus.describe(code) + " before it became ready";
		finish(ReloadState.FAILED,
				"worker " + run.workerId() + " replacement (pid " + run.pid() + ") " + why
						+ "; the old workers keep serving. Its last output: "
						+ String.join(" | ", ExitStatus.excerpt(run.handle().outputTail())));
	}

	@Override
	public void aborted(Replacement replacement) {
		if (isRunning()) {
			finish(ReloadState.ABORTED, "the cluster is shutting down");
		}
	}

	private void finish(ReloadState state, String outcome) {
		this.state = state;
		this.outcome = outcome;
		this.finished = Instant.now();
		String line = "Reload " + this.id + " " + state.value() + ": " + outcome;
		if (state == ReloadState.SUCCEEDED) {
			logger.info(line + " in " + LogFormat.seconds(Duration.between(this.started, this.finished)));
		}
		else if (state == ReloadState.ABORTED) {
			logger.warn(line);
		}
		else {
			logger.error(line);
		}
		this.whenFinished.run();
	}

	private void updateStep(Replacement replacement) {
		for (int i = 0; i < this.steps.size(); i++) {
			if (this.steps.get(i).workerId() == replacement.workerId()) {
				this.steps.set(i, step(replacement));
			}
		}
	}

	private static ClusterStatus.Step step(Replacement replacement) {
		WorkerRun incoming = replacement.incoming();
		return new ClusterStatus.Step(replacement.workerId(), replacement.oldPid(),
				(incoming != null) ? incoming.pid() : null, replacement.readyMillis(), replacement.drainMillis());
	}

	ClusterStatus.Reload status() {
		return new ClusterStatus.Reload(this.id, this.state, this.started, this.finished, this.outcome,
				List.copyOf(this.steps));
	}

}
