package dev.bootcluster.offload;

/**
 * Receives what happens in an offload pool, for metrics.
 */
interface PoolObserver {

	PoolObserver NONE = new PoolObserver() {
	};

	default void queued(long waitNanos) {
	}

	default void ran(long runNanos) {
	}

	default void rejected() {
	}

	default void timedOut() {
	}

}
