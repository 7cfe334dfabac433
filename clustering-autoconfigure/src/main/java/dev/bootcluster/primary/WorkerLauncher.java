package dev.bootcluster.primary;

import java.io.IOException;

import dev.bootcluster.ipc.WorkerLaunch;

/**
 * Starts the JVM for a worker id; the seam that lets the supervisor's decisions be tested
 * without forking.
 */
@FunctionalInterface
interface WorkerLauncher {

	/**
	 * Start a worker process.
	 * @param workerId the worker id
	 * @param workerCount the number of workers the cluster has now
	 * @param start why it starts: one that replaces a worker that still serves starts at
	 * a lower CPU priority until it is ready, if this launcher can, and warms up until
	 * its JIT compiler settles ({@code app.cluster.worker.warmup.until-compiled}), as the
	 * cluster's first workers do ({@code first-workers-until-compiled})
	 * @return the started process
	 * @throws IOException when it cannot be started
	 */
	WorkerHandle launch(int workerId, int workerCount, WorkerLaunch.Start start) throws IOException;

	/**
	 * Whether this launcher starts a worker launched as replacing one at a lower CPU
	 * priority: it may not, without the privilege to return it to normal priority or with
	 * gentle start-up turned off.
	 * @return {@code true} if such a launch is really slowed down
	 */
	default boolean startsGently() {
		return true;
	}

	/**
	 * Run a worker just launched at a higher CPU priority than the serving workers until
	 * it is ready, if this launcher can: it restores the capacity of a worker that failed
	 * after it served.
	 * @param worker the worker
	 * @param description the worker, for the log
	 * @return whether it may run at another priority than the primary's now, to be
	 * returned to it once ready
	 */
	default boolean startUrgently(WorkerHandle worker, String description) {
		return false;
	}

	/**
	 * Return a worker launched gently, or started urgently, to the primary's CPU
	 * priority.
	 * @param worker the worker
	 * @param description the worker, for the log
	 * @return whether some of its threads may still run at another priority: the return
	 * is tried again later
	 */
	default boolean normalPriority(WorkerHandle worker, String description) {
		return false;
	}

	/**
	 * Raise the CPU priority of a worker launched gently that gets too little CPU time,
	 * at most to the primary's. By default it goes to the primary's at once.
	 * @param worker the worker
	 * @param description the worker, for the log
	 * @param niceValues by how many nice values
	 * @param why what it got, for the log
	 * @return whether it may still run at a lower priority than the primary
	 */
	default boolean raisePriority(WorkerHandle worker, String description, int niceValues, String why) {
		normalPriority(worker, description);
		return false;
	}

	/**
	 * Every worker is ready (the cluster started, or a reload ended): a time for work in
	 * the background that should not slow workers' start-up.
	 */
	default void settled() {
	}

}
