package dev.bootcluster.primary;

/**
 * Where a worker is in its life, as the supervisor tracks it.
 */
enum WorkerState {

	/** Forked, not yet accepting traffic. */
	STARTING,

	/** Readiness is {@code ACCEPTING_TRAFFIC}. */
	READY,

	/** Asked to stop, draining in-flight requests. */
	DRAINING,

	/** Exited after the primary asked it to stop. */
	STOPPED,

	/** Exited without being asked, waiting for its restart. */
	FAILED

}
