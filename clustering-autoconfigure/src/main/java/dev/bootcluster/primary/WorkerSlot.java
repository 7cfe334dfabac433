package dev.bootcluster.primary;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.autoconfigure.ClusterProperties;

/**
 * One worker id and whatever process currently fills it. The id outlives restarts; the
 * process does not. Only the supervisor's thread touches a slot.
 */
final class WorkerSlot {

	private final int id;

	private final RestartPolicy restartPolicy;

	private @Nullable WorkerHandle process;

	private WorkerState state = WorkerState.STOPPED;

	private long startedNanos;

	private int restarts;

	WorkerSlot(int id, ClusterProperties.Restart restart) {
		this.id = id;
		this.restartPolicy = new RestartPolicy(restart);
	}

	int id() {
		return this.id;
	}

	@Nullable WorkerHandle process() {
		return this.process;
	}

	boolean holds(long pid) {
		return this.process != null && this.process.pid() == pid;
	}

	WorkerState state() {
		return this.state;
	}

	void started(WorkerHandle process, long nowNanos) {
		this.process = process;
		this.state = WorkerState.STARTING;
		this.startedNanos = nowNanos;
	}

	void state(WorkerState state) {
		this.state = state;
	}

	Duration uptime(long nowNanos) {
		return Duration.ofNanos(nowNanos - this.startedNanos);
	}

	RestartPolicy restartPolicy() {
		return this.restartPolicy;
	}

	int restarts() {
		return this.restarts;
	}

	int countRestart() {
		return ++this.restarts;
	}

	String describe() {
		return "worker " + this.id + ((this.process != null) ? " (pid " + this.process.pid() + ")" : "");
	}

}
