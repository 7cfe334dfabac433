package dev.bootcluster.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How much of some CPUs this process could have used lately: the time they were idle, ran
 * this process, or ran processes of a lower priority (a positive nice value), as a share
 * of their time. What is missing went to other processes at this process's priority or
 * above (a busy neighbour, the load generator, the hypervisor's steal), which a process
 * pinned to these CPUs cannot leave.
 * <p>
 * Read from {@code /proc/stat} (the CPUs' times) and {@code /proc/self/stat} (this
 * process's user and system time), both in clock ticks. Meant for a process pinned to the
 * CPUs it measures: on CPUs it shares with processes it does not know, the share says
 * little.
 */
public final class CpuAvailability {

	private final int[] cpus;

	private final Path procStat;

	private final Path selfStat;

	/**
	 * The CPUs' ticks in all, and those this process could have used, at the last sample.
	 */
	private long lastTotal = -1;

	private long lastAvailable;

	/**
	 * Measure the given CPUs.
	 * @param cpus CPU numbers, such as this process is pinned to
	 */
	public CpuAvailability(int[] cpus) {
		this(cpus, Path.of("/proc/stat"), Path.of("/proc/self/stat"));
	}

	CpuAvailability(int[] cpus, Path procStat, Path selfStat) {
		if (cpus.length == 0) {
			throw new IllegalArgumentException("No CPU to measure");
		}
		this.cpus = cpus.clone();
		this.procStat = procStat;
		this.selfStat = selfStat;
	}

	/**
	 * The share of the CPUs' time since the last sample that this process could have
	 * used.
	 * @return between 0 and 1, or -1 for the first sample or when no time has passed
	 * @throws IOException when the times cannot be read
	 */
	public double sample() throws IOException {
		long[] now = times(Files.readAllLines(this.procStat), Files.readString(this.selfStat), this.cpus);
		long total = now[0] - this.lastTotal;
		long available = now[1] - this.lastAvailable;
		boolean first = this.lastTotal < 0;
		this.lastTotal = now[0];
		this.lastAvailable = now[1];
		if (first || total <= 0) {
			return -1;
		}
		return Math.max(0, Math.min(1, (double) available / total));
	}

	/**
	 * The given CPUs' ticks in all and the ticks this process could have used: idle,
	 * waiting for I/O, running niced processes, or running this process.
	 */
	static long[] times(List<String> procStat, String selfStat, int[] cpus) {
		long total = 0;
		long available = 0;
		int found = 0;
		for (String line : procStat) {
			if (!line.startsWith("cpu") || line.length() < 4 || !Character.isDigit(line.charAt(3))) {
				continue;
			}
			String[] fields = line.trim().split("\\s+");
			int cpu = Integer.parseInt(fields[0].substring(3));
			if (!contains(cpus, cpu)) {
				continue;
			}
			found++;
			// user nice system idle iowait irq softirq steal, then guest times that user
			// and nice already hold.
			for (int field = 1; field <= Math.min(8, fields.length - 1); field++) {
				long ticks = Long.parseLong(fields[field]);
				total += ticks;
				if (field == 2 || field == 4 || field == 5) {
					available += ticks;
				}
			}
		}
		if (found != cpus.length) {
			throw new IllegalStateException("/proc/stat lists " + found + " of CPUs " + CpuSet.list(cpus));
		}
		return new long[] { total, available + ownTicks(selfStat) };
	}

	/**
	 * User and system ticks of a process from its {@code stat} line: the 14th and 15th
	 * fields, counted from the command name in parentheses, which may hold spaces.
	 */
	static long ownTicks(String selfStat) {
		int end = selfStat.lastIndexOf(')');
		if (end < 0) {
			throw new IllegalStateException("Not a /proc/<pid>/stat line: " + selfStat);
		}
		// After ") ": state is field 3, utime field 14, stime field 15.
		String[] fields = selfStat.substring(end + 2).trim().split("\\s+");
		if (fields.length < 13) {
			throw new IllegalStateException("Not a /proc/<pid>/stat line: " + selfStat);
		}
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	private static boolean contains(int[] cpus, int cpu) {
		for (int candidate : cpus) {
			if (candidate == cpu) {
				return true;
			}
		}
		return false;
	}

}
