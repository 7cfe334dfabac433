package dev.bootcluster.primary;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.WorkerState;

/**
 * One worker process from fork to exit, with what its heartbeats said. Only the
 * supervisor's thread touches it.
 */
final class WorkerRun {

	private final int workerId;

	private final WorkerHandle handle;

	private final long startedNanos = System.nanoTime();

	private final Instant started = Instant.now();

	private WorkerState state = WorkerState.STARTING;

	private @Nullable ExitReason exitReason;

	private ClusterMessage.Heartbeat heartbeat = new ClusterMessage.Heartbeat(0, 0, 0, 0);

	WorkerRun(int workerId, WorkerHandle handle) {
		this.workerId = workerId;
		this.handle = handle;
	}

	int workerId() {
		return this.workerId;
	}

	WorkerHandle handle() {
		return this.handle;
	}

	long pid() {
		return this.handle.pid();
	}

	WorkerState state() {
		return this.state;
	}

	void state(WorkerState state) {
		this.state = state;
	}

	boolean isLive() {
		return this.state.isLive();
	}

	Duration uptime() {
		return Duration.ofNanos(System.nanoTime() - this.startedNanos);
	}

	/**
	 * Remember why the primary is about to end this process, for its exit record.
	 * @param reason the reason, such as {@link ExitReason#STARTUP_TIMEOUT}
	 */
	void exitReason(ExitReason reason) {
		this.exitReason = reason;
	}

	@Nullable ExitReason exitReason() {
		return this.exitReason;
	}

	void heartbeat(ClusterMessage.Heartbeat heartbeat) {
		this.heartbeat = heartbeat;
	}

	ClusterStatus.Worker status(int restarts, ClusterStatus.@Nullable Exit lastExit) {
		return new ClusterStatus.Worker(this.workerId, pid(), this.state, this.started, uptime().toMillis(), restarts,
				lastExit, this.heartbeat.heapUsedBytes(), this.heartbeat.heapMaxBytes(), this.heartbeat.residentBytes(),
				this.heartbeat.requests());
	}

	String describe() {
		return "worker " + this.workerId + " (pid " + pid() + ")";
	}

}
