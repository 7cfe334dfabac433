package dev.bootcluster.primary;

import org.jspecify.annotations.Nullable;

/**
 * What the primary decided before starting the supervisor: how many workers, how many may
 * come, and where they serve.
 *
 * @param workers the workers to start with
 * @param cores the cores the primary may use: what {@code max} means for a scale, and how
 * many workers may start at once
 * @param limit the most workers allowed
 * @param port the shared application port
 * @param managementPort the separate management port, if any
 */
record ClusterPlan(int workers, int cores, WorkerLimit limit, int port, @Nullable Integer managementPort) {

	/**
	 * How many workers may be starting at once: a scale up or many restarts do not start
	 * every JVM together on a few cores.
	 * @return one per core, at least two
	 */
	int maxStarting() {
		return Math.max(2, this.cores);
	}

}
