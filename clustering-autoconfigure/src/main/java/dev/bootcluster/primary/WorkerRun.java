package dev.bootcluster.primary;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.IpcMessage;

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

	private @Nullable String exitReason;

	private long heapUsed;

	private long heapMax;

	private long resident;

	private long requests;

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
		return this.state == WorkerState.STARTING || this.state == WorkerState.READY
				|| this.state == WorkerState.DRAINING;
	}

	Duration uptime() {
		return Duration.ofNanos(System.nanoTime() - this.startedNanos);
	}

	/**
	 * Remember why the primary is about to end this process, for its exit record.
	 * @param reason the reason, such as {@code startup-timeout}
	 */
	void exitReason(String reason) {
		this.exitReason = reason;
	}

	@Nullable String exitReason() {
		return this.exitReason;
	}

	void heartbeat(IpcMessage message) {
		this.heapUsed = parse(message.get("heap-used"), this.heapUsed);
		this.heapMax = parse(message.get("heap-max"), this.heapMax);
		this.resident = parse(message.get("rss"), this.resident);
		this.requests = parse(message.get("requests"), this.requests);
	}

	private static long parse(@Nullable String value, long fallback) {
		try {
			return (value != null) ? Long.parseLong(value) : fallback;
		}
		catch (NumberFormatException ex) {
			return fallback;
		}
	}

	ClusterStatus.Worker status(int restarts, ClusterStatus.@Nullable Exit lastExit) {
		return new ClusterStatus.Worker(this.workerId, pid(), this.state.name().toLowerCase(), this.started,
				uptime().toMillis(), restarts, lastExit, this.heapUsed, this.heapMax, this.resident, this.requests);
	}

	String describe() {
		return "worker " + this.workerId + " (pid " + pid() + ")";
	}

}
