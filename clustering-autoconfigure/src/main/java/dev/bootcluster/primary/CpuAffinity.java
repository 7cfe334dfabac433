package dev.bootcluster.primary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.affinity.CpuSet;

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

	private final int[] allowed;

	private final int perWorker;

	private final @Nullable Integer plannedWorkers;

	/**
	 * An affinity for any number of workers.
	 * @param allowed the CPUs the primary may run on
	 * @param perWorker the CPUs each worker gets
	 */
	CpuAffinity(int[] allowed, int perWorker) {
		this(allowed, perWorker, null);
	}

	/**
	 * An affinity for a number of workers only.
	 * @param allowed the CPUs the primary may run on
	 * @param perWorker the CPUs each worker gets
	 * @param plannedWorkers the number of workers the CPUs are split between; workers
	 * launched while the cluster has another size share the CPUs
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
