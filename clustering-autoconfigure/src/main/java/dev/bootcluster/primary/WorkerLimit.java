package dev.bootcluster.primary;

import java.lang.management.ManagementFactory;

import com.sun.management.OperatingSystemMXBean;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.config.ClusterProperties;

/**
 * The most workers a cluster may have, at startup and when scaled: what
 * {@code app.cluster.max-instances} says, or what the machine can hold, 4 per core and
 * one per 256 MB of the memory this JVM sees (both container-aware), whichever is lower.
 * A size beyond it is refused with the reason, so that a slip such as
 * {@code instances=99999} can never fork the machine to death.
 *
 * @param max the most workers
 * @param reason where the number comes from, for messages
 */
record WorkerLimit(int max, String reason) {

	static final int PER_CORE = 4;

	static final long MEGABYTES_PER_WORKER = 256;

	/**
	 * The limit on this machine.
	 * @param configured {@code app.cluster.max-instances}, if set
	 * @return the limit
	 */
	static WorkerLimit forThisMachine(@Nullable Integer configured) {
		OperatingSystemMXBean system = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
		return of(configured, Runtime.getRuntime().availableProcessors(), system.getTotalMemorySize());
	}

	static WorkerLimit of(@Nullable Integer configured, int cores, long memoryBytes) {
		if (configured != null) {
			return new WorkerLimit(configured, "app.cluster.max-instances");
		}
		long megabytes = memoryBytes >> 20;
		long byMemory = megabytes / MEGABYTES_PER_WORKER;
		int max = (int) Math.max(1,
				Math.min(Math.min((long) PER_CORE * cores, byMemory), ClusterProperties.MAX_INSTANCES_LIMIT));
		return new WorkerLimit(max, PER_CORE + " per core on " + cores + " cores and one per " + MEGABYTES_PER_WORKER
				+ " MB of " + megabytes + " MB of memory, whichever is lower");
	}

	/**
	 * Why a number of workers is not allowed, if it is not.
	 * @param workers the number asked for
	 * @return the reason, or {@code null} when it is allowed
	 */
	@Nullable String refusal(int workers) {
		if (workers <= this.max) {
			return null;
		}
		return workers + " workers are more than the " + this.max + " allowed (" + this.reason
				+ "); set app.cluster.max-instances (up to " + ClusterProperties.MAX_INSTANCES_LIMIT
				+ ") to allow more";
	}

}
