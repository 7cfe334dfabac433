package dev.bootcluster.os;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.sun.jna.LastErrorException;

/**
 * CPU numbers as the Linux scheduler sees them: the CPUs this process may run on, the
 * kernel's list format ({@code 0-1,4}) and pinning every thread of this process.
 */
public final class CpuSet {

	/** Bytes in the mask handed to the kernel: room for 1024 CPUs, glibc's cpu_set_t. */
	private static final int MASK_BYTES = 128;

	private CpuSet() {
	}

	/**
	 * The CPUs the calling thread may run on.
	 * @return CPU numbers, ascending
	 * @throws IllegalStateException when the system does not report them
	 * @throws LinkageError when the C library cannot be loaded
	 */
	public static int[] allowed() {
		long[] mask = new long[MASK_BYTES / Long.BYTES];
		try {
			Libc.INSTANCE.sched_getaffinity(0, MASK_BYTES, mask);
		}
		catch (LastErrorException ex) {
			throw new IllegalStateException("sched_getaffinity failed (errno " + ex.getErrorCode() + ")", ex);
		}
		return cpus(mask);
	}

	/**
	 * Move every thread of this process onto the given CPUs; threads they start later
	 * inherit them.
	 * @param cpus CPU numbers
	 * @throws IOException when the kernel refuses the CPUs (such as CPUs no longer in
	 * this process's cpuset) or threads keep starting
	 */
	public static void pinThisProcess(int[] cpus) throws IOException {
		long[] target = mask(cpus);
		EveryThread.apply(Path.of("/proc/self"), (tid) -> move(tid, target), "sched_setaffinity", "CPUs " + list(cpus));
	}

	private static boolean move(int tid, long[] target) {
		long[] current = new long[target.length];
		Libc.INSTANCE.sched_getaffinity(tid, MASK_BYTES, current);
		if (Arrays.equals(current, target)) {
			return false;
		}
		Libc.INSTANCE.sched_setaffinity(tid, MASK_BYTES, target);
		return true;
	}

	/**
	 * CPU numbers as the kernel lists them, such as {@code 0-1,4}.
	 * @param cpus CPU numbers, ascending
	 * @return the list
	 */
	public static String list(int[] cpus) {
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
	 * Read a list in the kernel's format.
	 * @param list such as {@code 0-1,4}
	 * @return CPU numbers, ascending
	 * @throws IllegalArgumentException when the list is malformed
	 */
	public static int[] parse(String list) {
		List<Integer> cpus = new ArrayList<>();
		try {
			for (String range : list.split(",")) {
				String[] bounds = range.split("-", 2);
				int first = Integer.parseInt(bounds[0].trim());
				int last = Integer.parseInt(bounds[bounds.length - 1].trim());
				for (int cpu = first; cpu <= last; cpu++) {
					cpus.add(cpu);
				}
			}
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Not a CPU list such as 0-1,4: '" + list + "'", ex);
		}
		return cpus.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
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
			if (cpu < 0 || cpu >= MASK_BYTES * Byte.SIZE) {
				throw new IllegalArgumentException("No CPU " + cpu + " in a mask of " + MASK_BYTES * Byte.SIZE);
			}
			mask[cpu / Long.SIZE] |= 1L << (cpu % Long.SIZE);
		}
		return mask;
	}

}
