package dev.bootcluster.primary;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.WorkerState;

/**
 * One worker id and the process that currently serves it. The id outlives restarts and
 * reloads; processes do not. Only the supervisor's thread touches a slot.
 */
final class WorkerSlot {

	private final int id;

	private final RestartPolicy restartPolicy;

	private @Nullable WorkerRun current;

	private int restarts;

	private ClusterStatus.@Nullable Exit lastExit;

	private boolean retiring;

	private boolean restoring;

	WorkerSlot(int id, ClusterProperties.Restart restart) {
		this.id = id;
		this.restartPolicy = new RestartPolicy(restart);
	}

	int id() {
		return this.id;
	}

	@Nullable WorkerRun current() {
		return this.current;
	}

	void current(WorkerRun run) {
		this.current = run;
	}

	boolean isLive() {
		return this.current != null && this.current.isLive();
	}

	boolean isReady() {
		return this.current != null && this.current.state() == WorkerState.READY;
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

	ClusterStatus.@Nullable Exit lastExit() {
		return this.lastExit;
	}

	void lastExit(ClusterStatus.Exit exit) {
		this.lastExit = exit;
	}

	/**
	 * Whether its next process restores capacity the cluster had: its last one failed
	 * after it served.
	 * @return true until a process is started for it
	 */
	boolean isRestoring() {
		return this.restoring;
	}

	void restoring(boolean restoring) {
		this.restoring = restoring;
	}

	/**
	 * Whether this id is being removed by scaling down: its process is not replaced.
	 * @return true once the slot is retiring
	 */
	boolean isRetiring() {
		return this.retiring;
	}

	void retire() {
		this.retiring = true;
	}

	/**
	 * Keep this id after all: a scale up asked for it again while its process drains.
	 */
	void keep() {
		this.retiring = false;
	}

}
