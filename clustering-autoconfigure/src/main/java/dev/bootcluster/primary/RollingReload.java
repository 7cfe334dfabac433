package dev.bootcluster.primary;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.ReloadState;

/**
 * A zero-downtime rolling reload: for each worker id in turn, start a replacement, wait
 * until it accepts traffic, then drain and stop the old process. Ready capacity never
 * drops. If a replacement does not become ready, the reload stops and the old processes
 * keep serving. Runs on the supervisor's thread.
 */
final class RollingReload {

	private static final Log logger = LogFactory.getLog(RollingReload.class);

	private final String id;

	private final Instant started = Instant.now();

	private final Workers workers;

	private final Deque<Integer> pending;

	private final List<Step> steps = new ArrayList<>();

	private ReloadState state = ReloadState.RUNNING;

	private String outcome = "in progress";

	private @Nullable Instant finished;

	private @Nullable WorkerRun incoming;

	private @Nullable WorkerRun outgoing;

	RollingReload(String id, List<Integer> workerIds, Workers workers) {
		this.id = id;
		this.pending = new ArrayDeque<>(workerIds);
		this.workers = workers;
	}

	String id() {
		return this.id;
	}

	boolean isRunning() {
		return this.state == ReloadState.RUNNING;
	}

	boolean owns(WorkerRun run) {
		return run == this.incoming || run == this.outgoing;
	}

	void start() {
		logger.info("Reload " + this.id + " started: replacing " + this.pending.size() + " workers one at a time");
		next();
	}

	private void next() {
		this.incoming = null;
		this.outgoing = null;
		Integer workerId = this.pending.poll();
		if (workerId == null) {
			finish(ReloadState.SUCCEEDED, "replaced " + this.steps.size() + " workers");
			return;
		}
		WorkerRun old = this.workers.current(workerId);
		Step step = new Step(workerId, (old != null) ? old.pid() : 0);
		this.steps.add(step);
		WorkerRun replacement = this.workers.startReplacement(workerId);
		if (replacement == null) {
			finish(ReloadState.FAILED, "worker " + workerId + " replacement could not be started");
			return;
		}
		this.incoming = replacement;
		step.newPid = replacement.pid();
		step.startNanos = System.nanoTime();
	}

	void onReady(WorkerRun run) {
		if (run != this.incoming) {
			return;
		}
		Step step = currentStep();
		step.readyMillis = millisSince(step.startNanos);
		WorkerRun old = this.workers.current(run.workerId());
		this.workers.promote(run);
		this.incoming = null;
		if (old != null && old.isLive() && old != run) {
			this.outgoing = old;
			step.drainStartNanos = System.nanoTime();
			this.workers.retire(old);
		}
		else {
			next();
		}
	}

	void onExit(WorkerRun run, int code) {
		Step step = currentStep();
		if (run == this.outgoing) {
			step.drainMillis = millisSince(step.drainStartNanos);
			logger.info("Reload " + this.id + ": worker " + step.workerId + " replaced (pid " + step.oldPid + " -> "
					+ step.newPid + "), ready in " + step.readyMillis + " ms, drained in " + step.drainMillis + " ms");
			next();
		}
		else if (run == this.incoming) {
			this.incoming = null;
			String why = (run.exitReason() == ExitReason.STARTUP_TIMEOUT)
					? "did not become ready within the startup timeout"
					: "exited with " + ExitStatus.describe(code) + " before it became ready";
			finish(ReloadState.FAILED,
					"worker " + run.workerId() + " replacement (pid " + run.pid() + ") " + why
							+ "; the old workers keep serving. Its last output: "
							+ String.join(" | ", ExitStatus.excerpt(run.handle().outputTail())));
		}
	}

	/**
	 * Stop the reload because the cluster is shutting down; a replacement still starting
	 * is stopped with everything else.
	 */
	void abort() {
		if (isRunning()) {
			finish(ReloadState.ABORTED, "the cluster is shutting down");
		}
	}

	private void finish(ReloadState state, String outcome) {
		this.state = state;
		this.outcome = outcome;
		this.finished = Instant.now();
		this.pending.clear();
		String line = "Reload " + this.id + " " + state.value() + ": " + outcome;
		if (state == ReloadState.SUCCEEDED) {
			logger.info(line + " in " + Duration.between(this.started, this.finished).toMillis() + " ms");
		}
		else {
			logger.error(line);
		}
	}

	private Step currentStep() {
		return this.steps.get(this.steps.size() - 1);
	}

	private static long millisSince(long nanos) {
		return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
	}

	ClusterStatus.Reload status() {
		return new ClusterStatus.Reload(this.id, this.state, this.started, this.finished, this.outcome,
				this.steps.stream()
					.map((step) -> new ClusterStatus.Step(step.workerId, step.oldPid, step.newPid, step.readyMillis,
							step.drainMillis))
					.toList());
	}

	/**
	 * What a reload needs from the supervisor.
	 */
	interface Workers {

		/** The process currently serving a worker id, if any. */
		@Nullable WorkerRun current(int workerId);

		/** Fork a second process for a worker id, not yet serving it. */
		@Nullable WorkerRun startReplacement(int workerId);

		/** Make a ready replacement the process of its worker id. */
		void promote(WorkerRun replacement);

		/** Drain and stop a replaced process. */
		void retire(WorkerRun old);

	}

	private static final class Step {

		final int workerId;

		final long oldPid;

		@Nullable Long newPid;

		long startNanos;

		@Nullable Long readyMillis;

		long drainStartNanos;

		@Nullable Long drainMillis;

		Step(int workerId, long oldPid) {
			this.workerId = workerId;
			this.oldPid = oldPid;
		}

	}

}
