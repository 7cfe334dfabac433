package dev.bootcluster.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * How much of the CPUs this process is pinned to other processes left it lately: the
 * share of their time they were idle, ran this process, or ran niced processes (while
 * this one is not niced), read from {@code /proc/stat} and {@code /proc/self/stat}.
 * <p>
 * What is missing went to processes at this one's priority or above (a busy neighbour,
 * the load generator) or to the hypervisor. It is what they used, not what they would
 * leave this process if it asked for more: beside a process that keeps a CPU busy, an
 * idle process measures about none of it, a busy one about half.
 */
public final class CpuAvailability {

	private final int[] cpus;

	private final Path procStat;

	private final Path selfStat;

	/** Whether the first sample checks that this process runs on those CPUs only. */
	private final boolean checkPinned;

	private @Nullable Times last;

	/**
	 * Measure the CPUs this process is pinned to.
	 * @param cpus their numbers
	 */
	public CpuAvailability(int[] cpus) {
		this(cpus, Path.of("/proc/stat"), Path.of("/proc/self/stat"), true);
	}

	CpuAvailability(int[] cpus, Path procStat, Path selfStat, boolean checkPinned) {
		if (cpus.length == 0) {
			throw new IllegalArgumentException("No CPU to measure");
		}
		this.cpus = cpus.clone();
		this.procStat = procStat;
		this.selfStat = selfStat;
		this.checkPinned = checkPinned;
	}

	/**
	 * The share of the CPUs' time since the last sample that this process could have
	 * used.
	 * @return between 0 and 1, or -1 for the first sample or when no time has passed
	 * @throws IOException when the times cannot be read
	 * @throws IllegalStateException when this process is not pinned to the CPUs (checked
	 * on the first sample)
	 */
	public double sample() throws IOException {
		Times last = this.last;
		if (last == null && this.checkPinned && !Arrays.equals(CpuSet.allowed(), this.cpus)) {
			throw new IllegalStateException("this process runs on CPUs " + CpuSet.list(CpuSet.allowed())
					+ ", not only on CPUs " + CpuSet.list(this.cpus));
		}
		Times now = times(Files.readAllLines(this.procStat), Files.readString(this.selfStat), this.cpus);
		this.last = now;
		long total = (last != null) ? now.total() - last.total() : 0;
		if (last == null || total <= 0) {
			return -1;
		}
		return Math.max(0, Math.min(1, (double) (now.available() - last.available()) / total));
	}

	/**
	 * The given CPUs' ticks in all and the ticks this process could have used: idle,
	 * waiting for I/O, running this process, or running niced processes while this one is
	 * not niced (when it is, its own time is in that column too).
	 */
	static Times times(List<String> procStat, String selfStat, int[] cpus) {
		String[] self = StatLine.fieldsFromState(selfStat);
		if (self.length < 17) {
			throw new IllegalStateException("Not a /proc/<pid>/stat line: " + selfStat);
		}
		// Counted from 1 with the command name as field 2: utime 14, stime 15, nice 19.
		long own = Long.parseLong(self[11]) + Long.parseLong(self[12]);
		boolean niced = Integer.parseInt(self[16]) > 0;
		long total = 0;
		long available = own;
		int found = 0;
		for (String line : procStat) {
			if (!line.startsWith("cpu") || line.length() < 4 || !Character.isDigit(line.charAt(3))) {
				continue;
			}
			String[] fields = line.trim().split("\\s+");
			if (!contains(cpus, Integer.parseInt(fields[0].substring(3)))) {
				continue;
			}
			found++;
			// user nice system idle iowait irq softirq steal, then guest times that user
			// and nice already hold.
			for (int field = 1; field <= Math.min(8, fields.length - 1); field++) {
				long ticks = Long.parseLong(fields[field]);
				total += ticks;
				if ((field == 2 && !niced) || field == 4 || field == 5) {
					available += ticks;
				}
			}
		}
		if (found != cpus.length) {
			throw new IllegalStateException("/proc/stat lists " + found + " of CPUs " + CpuSet.list(cpus));
		}
		return new Times(total, available);
	}

	private static boolean contains(int[] cpus, int cpu) {
		for (int candidate : cpus) {
			if (candidate == cpu) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Clock ticks of some CPUs: in all, and those this process could have used.
	 */
	record Times(long total, long available) {
	}

}
