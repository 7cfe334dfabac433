package dev.bootcluster.offload;

import java.time.Duration;

/**
 * Thrown when an offloaded call takes longer than its pool's timeout, counting the time
 * it waited in the queue. The task was interrupted.
 */
public class OffloadTimeoutException extends RuntimeException {

	private final String pool;

	public OffloadTimeoutException(String pool, Duration timeout) {
		super("Offloaded call on pool '" + pool + "' did not finish within " + timeout.toMillis() + " ms");
		this.pool = pool;
	}

	public String getPool() {
		return this.pool;
	}

}
