package dev.bootcluster.primary;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.WorkerState;
import dev.bootcluster.os.ProcessState;

/**
 * One worker process from fork to exit, with what its heartbeats said. Only the
 * supervisor's thread touches it.
 */
final class WorkerRun {

	/**
	 * Two missed heartbeats, and a margin for a busy machine.
	 */
	private static final Duration QUIET = ClusterMessage.Heartbeat.PERIOD.multipliedBy(2).plusMillis(500);

	private final int workerId;

	private final WorkerHandle handle;

	private final long startedNanos = System.nanoTime();

	private final Instant started = Instant.now();

	private WorkerState state = WorkerState.STARTING;

	private long readyNanos;

	private @Nullable ExitReason exitReason;

	private ClusterMessage.Heartbeat heartbeat = new ClusterMessage.Heartbeat(0, 0, 0, 0, 0, 0);

	private long lastHeardNanos = this.startedNanos;

	private final WorkerHealth.Track track = new WorkerHealth.Track();

	private boolean beingReplaced;

	private boolean closing;

	private int managementPort;

	private boolean gentle;

	private boolean urgent;

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
		if (state == WorkerState.READY && this.readyNanos == 0) {
			this.readyNanos = System.nanoTime();
			this.lastHeardNanos = this.readyNanos;
		}
		this.state = state;
	}

	/**
	 * Whether it started at a lower CPU priority than the primary's and has not been
	 * returned to it yet ({@code app.cluster.worker.gentle-start}).
	 */
	boolean isGentle() {
		return this.gentle;
	}

	void gentle(boolean gentle) {
		this.gentle = gentle;
	}

	/**
	 * Whether it started at a higher CPU priority than the primary's to restore the
	 * capacity of a worker that failed after it served, and has not been returned to it
	 * yet ({@code app.cluster.restart.urgent}).
	 */
	boolean isUrgent() {
		return this.urgent;
	}

	void urgent(boolean urgent) {
		this.urgent = urgent;
	}

	boolean isLive() {
		return this.state.isLive();
	}

	Duration uptime() {
		return Duration.ofNanos(System.nanoTime() - this.startedNanos);
	}

	/**
	 * How long this process has been ready, draining included.
	 * @return the time since it became ready, or {@code null} if it never was
	 */
	@Nullable Duration readyFor() {
		return (this.readyNanos != 0) ? Duration.ofNanos(System.nanoTime() - this.readyNanos) : null;
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
		this.lastHeardNanos = System.nanoTime();
	}

	ClusterMessage.Heartbeat lastHeartbeat() {
		return this.heartbeat;
	}

	/**
	 * When the primary last heard from this process: its last heartbeat, or when it
	 * became ready.
	 * @return the time, from {@link System#nanoTime()}
	 */
	long lastHeardNanos() {
		return this.lastHeardNanos;
	}

	/**
	 * Whether this process cannot answer now: stopped by a signal (SIGSTOP) or a tracer,
	 * or not heard from for two heartbeats. A silent process gets no management
	 * connection and is not waited for by a scrape; the watchdog judges it hung after
	 * {@code heartbeat-timeout}.
	 * @return whether it is silent
	 */
	boolean isSilent() {
		return System.nanoTime() - this.lastHeardNanos > QUIET.toNanos() || ProcessState.isStopped(pid());
	}

	WorkerHealth.Track track() {
		return this.track;
	}

	/**
	 * Whether a replacement for this process's health was queued: it is judged no more.
	 * @return {@code true} once one was
	 */
	boolean isBeingReplaced() {
		return this.beingReplaced;
	}

	void beingReplaced() {
		this.beingReplaced = true;
	}

	/**
	 * The process's private loopback management port, 0 if it has none.
	 * @return the port
	 */
	int managementPort() {
		return this.managementPort;
	}

	void managementPort(int port) {
		this.managementPort = port;
	}

	/**
	 * Whether the application in this process has begun to close, whoever asked.
	 * @return {@code true} once it said so
	 */
	boolean isClosing() {
		return this.closing;
	}

	void closing() {
		this.closing = true;
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
