package dev.bootcluster.primary;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pins each worker to its own share of the CPUs the primary may run on
 * ({@code app.cluster.worker.cpu-affinity}). Worker {@code i} of a cluster giving
 * {@code k} cores to each worker gets the allowed CPUs {@code i*k} to {@code i*k+k-1}
 * (wrapping around), so a restarted or reloaded worker lands on the same CPUs as the one
 * it replaces. The primary sets the mask on the thread that forks the worker; the worker
 * JVM and every thread it starts inherit it, so no thread runs unpinned, not even
 * briefly.
 */
final class CpuAffinity {

	/** Bytes in the mask handed to the kernel: room for 1024 CPUs, glibc's cpu_set_t. */
	private static final int MASK_BYTES = 128;

	private final int[] allowed;

	private final int perWorker;

	CpuAffinity(int[] allowed, int perWorker) {
		if (allowed.length == 0) {
			throw new IllegalArgumentException("No CPU allowed");
		}
		this.allowed = allowed.clone();
		this.perWorker = Math.max(1, perWorker);
	}

	/**
	 * Affinity over the CPUs the calling thread may use.
	 * @param cores the cores the primary gives the workers
	 * @param workers the number of workers
	 * @return the affinity
	 * @throws IllegalStateException when the system does not report the CPUs
	 */
	static CpuAffinity ofCallingThread(int cores, int workers) {
		return new CpuAffinity(cpus(currentMask()), cores / workers);
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
	 * A launcher that forks each worker from a thread pinned to the worker's CPUs, so
	 * that the process inherits them; the thread's own mask is restored afterwards. A
	 * mask the kernel refuses is a failed start.
	 * @param launcher the launcher to pin
	 * @return the pinning launcher
	 */
	Supervisor.Launcher pinning(Supervisor.Launcher launcher) {
		return (workerId, workerCount) -> {
			long[] saved = currentMask();
			try {
				setMask(mask(cpusOf(workerId)));
			}
			catch (IllegalStateException ex) {
				// Such as a cpuset shrunk since startup: a failed start, retried with
				// backoff.
				throw new IOException("Cannot pin worker " + workerId + ": " + ex.getMessage(), ex);
			}
			try {
				return launcher.launch(workerId, workerCount);
			}
			finally {
				setMask(saved);
			}
		};
	}

	/**
	 * CPU numbers as the kernel lists them, such as {@code 0-1,4}.
	 * @param cpus CPU numbers, ascending
	 * @return the list
	 */
	static String list(int[] cpus) {
		List<String> ranges = new ArrayList<>();
		for (int i = 0; i < cpus.length; i++) {
			int start = cpus[i];
			while (i + 1 < cpus.length && cpus[i + 1] == cpus[i] + 1) {
				i++;
			}
			ranges.add((start == cpus[i]) ? String.valueOf(start) : start + "-" + cpus[i]);
		}
		return String.join(",", ranges);
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
			parts.add("worker " + id + " on CPU" + ((cpus.length > 1) ? "s " : " ") + list(cpus));
		}
		return String.join(", ", parts);
	}

	static long[] currentMask() {
		long[] mask = new long[MASK_BYTES / Long.BYTES];
		if (PrimaryLibc.INSTANCE.sched_getaffinity(0, MASK_BYTES, mask) != 0) {
			throw new IllegalStateException("sched_getaffinity failed");
		}
		return mask;
	}

	private static void setMask(long[] mask) {
		if (PrimaryLibc.INSTANCE.sched_setaffinity(0, MASK_BYTES, mask) != 0) {
			throw new IllegalStateException("sched_setaffinity failed for CPUs " + list(cpus(mask)));
		}
	}

	static int[] cpus(long[] mask) {
		List<Integer> cpus = new ArrayList<>();
		for (int cpu = 0; cpu < mask.length * Long.SIZE; cpu++) {
			if ((mask[cpu / Long.SIZE] & (1L << (cpu % Long.SIZE))) != 0) {
				cpus.add(cpu);
			}
		}
		return cpus.stream().mapToInt(Integer::intValue).toArray();
	}

	static long[] mask(int[] cpus) {
		long[] mask = new long[MASK_BYTES / Long.BYTES];
		for (int cpu : cpus) {
			mask[cpu / Long.SIZE] |= 1L << (cpu % Long.SIZE);
		}
		return mask;
	}

}
