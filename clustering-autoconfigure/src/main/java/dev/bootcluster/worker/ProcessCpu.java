package dev.bootcluster.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.function.LongSupplier;

/**
 * The CPU time this JVM's process has used, all of its threads together.
 */
final class ProcessCpu {

	private ProcessCpu() {
	}

	/**
	 * This process's CPU time in nanoseconds, or {@link System#nanoTime()} where the JVM
	 * does not report it, so that a measure of CPU time falls back to the clock's.
	 * @return the clock
	 */
	static LongSupplier clockOfThisJvm() {
		OperatingSystemMXBean system = ManagementFactory.getOperatingSystemMXBean();
		if (system instanceof com.sun.management.OperatingSystemMXBean process && process.getProcessCpuTime() >= 0) {
			return process::getProcessCpuTime;
		}
		return System::nanoTime;
	}

}
