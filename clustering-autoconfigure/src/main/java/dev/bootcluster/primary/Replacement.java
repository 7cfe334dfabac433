package dev.bootcluster.primary;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.ExitReason;

/**
 * One worker process replaced by the {@link Rollover}: which id, why, the two processes
 * and how long each phase took. Only the supervisor's thread touches it.
 */
final class Replacement {

	private final int workerId;

	private final ExitReason reason;

	private final @Nullable WorkerRun onlyIfStill;

	private final Listener listener;

	private long oldPid;

	private @Nullable WorkerRun incoming;

	private @Nullable WorkerRun outgoing;

	private long startNanos;

	private long drainNanos;

	private @Nullable Long readyMillis;

	private @Nullable Long drainMillis;

	/**
	 * A replacement of whatever process serves a worker id when its turn comes.
	 * @param workerId the worker id
	 * @param reason why, recorded as the old process's exit reason
	 * @param listener told of every step
	 */
	Replacement(int workerId, ExitReason reason, Listener listener) {
		this(workerId, reason, null, listener);
	}

	/**
	 * A replacement of one process, dropped if that process is gone by its turn.
	 * @param run the process
	 * @param reason why, recorded as its exit reason
	 * @param listener told of every step
	 */
	Replacement(WorkerRun run, ExitReason reason, Listener listener) {
		this(run.workerId(), reason, run, listener);
	}

	private Replacement(int workerId, ExitReason reason, @Nullable WorkerRun onlyIfStill, Listener listener) {
		this.workerId = workerId;
		this.reason = reason;
		this.onlyIfStill = onlyIfStill;
		this.listener = listener;
	}

	int workerId() {
		return this.workerId;
	}

	ExitReason reason() {
		return this.reason;
	}

	@Nullable WorkerRun onlyIfStill() {
		return this.onlyIfStill;
	}

	Listener listener() {
		return this.listener;
	}

	/**
	 * The process being drained, once the replacement is ready.
	 * @return the process, or {@code null} before
	 */
	@Nullable WorkerRun outgoing() {
		return this.outgoing;
	}

	/**
	 * The process the worker id had when the replacement started.
	 * @return its pid, or 0 if it had none
	 */
	long oldPid() {
		return this.oldPid;
	}

	@Nullable WorkerRun incoming() {
		return this.incoming;
	}

	/**
	 * Whether a process is this replacement's new one, not ready yet: until it is, the
	 * replacement decides what its exit means (the step failed); once ready it is its
	 * worker id's process like any other.
	 * @param run the process
	 * @return {@code true} if it is the new process and not ready yet
	 */
	boolean isStarting(WorkerRun run) {
		return run == this.incoming && this.readyMillis == null;
	}

	/**
	 * For the end of a log line on a finished step: whether the new process has exited
	 * since it became ready (it is then restarted like any worker that exits).
	 * @return the note, or an empty string
	 */
	String incomingExitedNote() {
		WorkerRun run = this.incoming;
		return (run != null && !run.isLive()) ? "; pid " + run.pid() + " has exited since it became ready" : "";
	}

	long startNanos() {
		return this.startNanos;
	}

	long drainNanos() {
		return this.drainNanos;
	}

	@Nullable Long readyMillis() {
		return this.readyMillis;
	}

	@Nullable Long drainMillis() {
		return this.drainMillis;
	}

	void start(@Nullable WorkerRun old, WorkerRun replacement) {
		this.oldPid = (old != null) ? old.pid() : 0;
		this.incoming = replacement;
		this.startNanos = System.nanoTime();
	}

	void readyMillis(long millis) {
		this.readyMillis = millis;
	}

	void drain(WorkerRun old) {
		this.outgoing = old;
		this.drainNanos = System.nanoTime();
	}

	void drainMillis(long millis) {
		this.drainMillis = millis;
	}

	/**
	 * Told of a replacement's progress, on the supervisor's thread.
	 */
	interface Listener {

		default void started(Replacement replacement) {
		}

		default void ready(Replacement replacement) {
		}

		/** The old process has exited, or there was none. */
		void replaced(Replacement replacement);

		/**
		 * The replacement could not start, or exited before it was ready.
		 * @param replacement the replacement
		 * @param run the process that failed, or {@code null} if none was started
		 * @param code its exit code
		 */
		void failed(Replacement replacement, @Nullable WorkerRun run, int code);

		default void aborted(Replacement replacement) {
		}

		/** Dropped before it started: the id or the process to replace is gone. */
		default void skipped(Replacement replacement) {
		}

	}

}
