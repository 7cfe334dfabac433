package dev.bootcluster.primary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.os.CpuSet;

/**
 * Pins each worker to its own share of the CPUs the primary may run on
 * ({@code app.cluster.worker.cpu-affinity}, by default when the workers split those CPUs
 * evenly). Worker {@code i} of a cluster giving {@code k} cores to each worker gets the
 * allowed CPUs {@code i*k} to {@code i*k+k-1} (wrapping around), so a restarted or
 * reloaded worker lands on the same CPUs as the one it replaces. A worker starts on all
 * of the primary's CPUs, so that its start-up can use whichever is idle, and moves every
 * one of its threads onto its own CPUs just before it takes connections from the shared
 * port.
 */
final class CpuAffinity {

	private static final Log logger = LogFactory.getLog(CpuAffinity.class);

	private final int[] allowed;

	private final int perWorker;

	private final @Nullable Integer plannedWorkers;

	/**
	 * An affinity for a number of workers, or for any.
	 * @param allowed the CPUs the primary may run on
	 * @param perWorker the CPUs each worker gets
	 * @param plannedWorkers the number of workers the CPUs are split between, workers
	 * launched while the cluster has another size sharing the CPUs; {@code null} for any
	 * number of workers
	 */
	CpuAffinity(int[] allowed, int perWorker, @Nullable Integer plannedWorkers) {
		if (allowed.length == 0) {
			throw new IllegalArgumentException("No CPU allowed");
		}
		this.allowed = allowed.clone();
		this.perWorker = Math.max(1, perWorker);
		this.plannedWorkers = plannedWorkers;
	}

	/**
	 * Decide whether the workers are pinned, as {@code app.cluster.worker.cpu-affinity}
	 * says, and log why they share the CPUs when {@code auto} leaves them to.
	 * @param mode the setting
	 * @param cores the cores the primary's JVM counts
	 * @param workers the number of workers
	 * @param coresChosen whether the user set the workers'
	 * {@code -XX:ActiveProcessorCount}
	 * @return the affinity, or {@code null} to leave every worker on all CPUs
	 * @throws ClusterStartupException when {@code on} cannot pin here
	 */
	static @Nullable CpuAffinity choose(ClusterProperties.CpuAffinity mode, int cores, int workers,
			boolean coresChosen) {
		if (mode == ClusterProperties.CpuAffinity.OFF || (mode == ClusterProperties.CpuAffinity.AUTO && workers < 2)) {
			return null;
		}
		int[] allowed;
		try {
			allowed = CpuSet.allowed();
		}
		catch (LinkageError | RuntimeException ex) {
			if (mode == ClusterProperties.CpuAffinity.AUTO) {
				logger.info("Workers share the CPUs: the CPUs this process may use are unknown (" + ex + ")");
				return null;
			}
			throw new ClusterStartupException(
					"app.cluster.worker.cpu-affinity=on needs the Linux C library's sched_getaffinity and "
							+ "sched_setaffinity, which failed here (" + ex + "); no worker was started.",
					"Run on Linux, or set app.cluster.worker.cpu-affinity to auto or off.", ex);
		}
		if (mode == ClusterProperties.CpuAffinity.AUTO) {
			String reason = reasonToShare(allowed.length, cores, workers, coresChosen);
			if (reason != null) {
				logger.info("Workers share CPUs " + CpuSet.list(allowed) + " (app.cluster.worker.cpu-affinity=auto: "
						+ reason + ")");
				return null;
			}
		}
		// Scaled to another size, auto's even split no longer holds.
		return new CpuAffinity(allowed, cores / workers,
				(mode == ClusterProperties.CpuAffinity.AUTO) ? Integer.valueOf(workers) : null);
	}

	/**
	 * Why {@code auto} leaves the workers to share the CPUs, if it does: pinning pays
	 * when every allowed CPU belongs to exactly one worker and each worker's JVM counts
	 * as many cores as it is given.
	 * @param allowed the number of CPUs the primary may run on
	 * @param cores the cores the primary's JVM counts
	 * @param workers the number of workers
	 * @param coresChosen whether the user set the workers'
	 * {@code -XX:ActiveProcessorCount}
	 * @return the reason, or {@code null} to pin
	 */
	static @Nullable String reasonToShare(int allowed, int cores, int workers, boolean coresChosen) {
		if (workers < 2) {
			return "one worker";
		}
		if (coresChosen) {
			return "-XX:ActiveProcessorCount chosen for the workers";
		}
		if (cores != allowed) {
			return "the JVM counts " + cores + " of the " + allowed
					+ " allowed CPUs (a CPU quota or -XX:ActiveProcessorCount)";
		}
		if (cores % workers != 0) {
			return workers + " workers do not split " + cores + " CPUs evenly";
		}
		return null;
	}

	/**
	 * The CPUs a worker launched now moves to once it is ready.
	 * @param workerId the worker id
	 * @param workerCount the number of workers the cluster has now
	 * @return CPU numbers, ascending, or {@code null} to stay on all CPUs
	 */
	int @Nullable [] cpusFor(int workerId, int workerCount) {
		if (this.plannedWorkers != null && workerCount != this.plannedWorkers) {
			return null;
		}
		return cpusOf(workerId);
	}

	/**
	 * The CPUs a worker is pinned to.
	 * @param workerId the worker id
	 * @return CPU numbers, ascending
	 */
	int[] cpusOf(int workerId) {
		int[] cpus = new int[Math.min(this.perWorker, this.allowed.length)];
		for (int i = 0; i < cpus.length; i++) {
			cpus[i] = this.allowed[(int) (((long) workerId * this.perWorker + i) % this.allowed.length)];
		}
		Arrays.sort(cpus);
		return cpus;
	}

	/**
	 * Which CPUs each worker gets, for the log.
	 * @param workers the number of workers
	 * @return such as {@code worker 0 on CPU 0, worker 1 on CPU 1}
	 */
	String describe(int workers) {
		List<String> parts = new ArrayList<>();
		for (int id = 0; id < workers; id++) {
			int[] cpus = cpusOf(id);
			parts.add("worker " + id + " on CPU" + ((cpus.length > 1) ? "s " : " ") + CpuSet.list(cpus));
		}
		return String.join(", ", parts);
	}

}
