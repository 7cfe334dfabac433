package dev.bootcluster.primary;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.WorkerState;

/**
 * Replaces worker processes one at a time, replacement first: start a new process for the
 * worker id, wait until it is ready, make it the id's process, then drain and stop the
 * old one, so ready capacity never drops. A reload queues one replacement per worker id;
 * recycling and the watchdog queue one. If a replacement does not become ready, that
 * replacement fails and the old process keeps serving. Runs on the supervisor's thread.
 */
final class Rollover {

	private final Workers workers;

	private final Deque<Replacement> pending = new ArrayDeque<>();

	private @Nullable Replacement active;

	private boolean stopped;

	Rollover(Workers workers) {
		this.workers = workers;
	}

	/**
	 * Queue a replacement; it starts at once if none runs.
	 * @param replacement the replacement
	 * @param urgent whether it goes before the ones already waiting
	 */
	void add(Replacement replacement, boolean urgent) {
		if (this.stopped) {
			return;
		}
		if (urgent) {
			this.pending.addFirst(replacement);
		}
		else {
			this.pending.addLast(replacement);
		}
		if (this.active == null) {
			next();
		}
	}

	/**
	 * Whether a replacement of a worker id runs or waits.
	 * @param workerId the worker id
	 * @return {@code true} if one does
	 */
	boolean isQueued(int workerId) {
		return (this.active != null && this.active.workerId() == workerId)
				|| this.pending.stream().anyMatch((replacement) -> replacement.workerId() == workerId);
	}

	/**
	 * Whether a process is the running replacement's: its new process until it is ready,
	 * or the old one it drains. A new process that became ready is its worker id's like
	 * any other: if it exits while the old one drains, it is restarted like any failed
	 * worker, and the replacement goes on.
	 * @param run the process
	 * @return {@code true} if the replacement decides what its events mean
	 */
	boolean owns(WorkerRun run) {
		Replacement replacement = this.active;
		return replacement != null && (run == replacement.outgoing() || replacement.isStarting(run));
	}

	/**
	 * The replacement of a worker id that is still starting, if any.
	 * @param workerId the worker id
	 * @return the replacement's process, or {@code null}
	 */
	@Nullable WorkerRun starting(int workerId) {
		Replacement replacement = this.active;
		return (replacement != null && replacement.workerId() == workerId && replacement.outgoing() == null)
				? replacement.incoming() : null;
	}

	/**
	 * Drop waiting replacements, such as the rest of a reload that failed.
	 * @param which the ones to drop
	 */
	void cancel(Predicate<Replacement> which) {
		this.pending.removeIf(which);
	}

	/**
	 * Start nothing more: the cluster is shutting down.
	 */
	void stop() {
		this.stopped = true;
		this.pending.forEach((replacement) -> replacement.listener().aborted(replacement));
		this.pending.clear();
		if (this.active != null) {
			this.active.listener().aborted(this.active);
		}
	}

	void onReady(WorkerRun run) {
		Replacement replacement = this.active;
		if (replacement == null || run != replacement.incoming()) {
			return;
		}
		replacement.readyMillis(millisSince(replacement.startNanos()));
		WorkerRun old = this.workers.current(run.workerId());
		this.workers.promote(run);
		replacement.listener().ready(replacement);
		if (old != null && old.isLive() && old != run) {
			replacement.drain(old);
			this.workers.retire(old, replacement.reason());
		}
		else {
			finishStep(replacement);
		}
	}

	void onExit(WorkerRun run, int code) {
		Replacement replacement = this.active;
		if (replacement == null) {
			return;
		}
		if (run == replacement.outgoing()) {
			replacement.drainMillis(millisSince(replacement.drainNanos()));
			finishStep(replacement);
		}
		else if (replacement.isStarting(run)) {
			this.active = null;
			replacement.listener().failed(replacement, run, code);
			next();
		}
	}

	private void finishStep(Replacement replacement) {
		this.active = null;
		replacement.listener().replaced(replacement);
		next();
	}

	private void next() {
		while (this.active == null && !this.stopped && !this.pending.isEmpty()) {
			Replacement replacement = this.pending.poll();
			WorkerRun old = this.workers.current(replacement.workerId());
			if (!this.workers.keeps(replacement.workerId())
					|| (replacement.onlyIfStill() != null && replacement.onlyIfStill() != old)) {
				// A scale down removed the id, or the process is gone already.
				replacement.listener().skipped(replacement);
				continue;
			}
			// Only while the old process serves may its replacement wait for CPU time and
			// warm up until compiled; a hung one serves nothing.
			boolean oldServes = old != null && old.state() == WorkerState.READY
					&& replacement.reason() != ExitReason.HEARTBEAT_TIMEOUT;
			WorkerRun incoming = this.workers.startReplacement(replacement.workerId(), old, oldServes);
			if (incoming == null) {
				replacement.listener().failed(replacement, null, -1);
				continue;
			}
			replacement.start(old, incoming);
			this.active = replacement;
			replacement.listener().started(replacement);
		}
	}

	private static long millisSince(long nanos) {
		return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
	}

	/**
	 * What the rollover needs from the processes it replaces ({@link WorkerProcesses}).
	 */
	interface Workers {

		/** The process currently serving a worker id, if any. */
		@Nullable WorkerRun current(int workerId);

		/**
		 * Whether the cluster keeps a worker id, rather than a scale down removing it.
		 */
		boolean keeps(int workerId);

		/**
		 * Fork a second process for a worker id, not yet serving it. When the process it
		 * replaces still serves, the new one may take longer to be ready: it starts
		 * gently (at a lower CPU priority until ready) and warms up until compiled.
		 */
		@Nullable WorkerRun startReplacement(int workerId, @Nullable WorkerRun old, boolean oldServes);

		/** Make a ready replacement the process of its worker id. */
		void promote(WorkerRun replacement);

		/** Drain and stop a replaced process. */
		void retire(WorkerRun old, ExitReason reason);

	}

}
