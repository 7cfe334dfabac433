package dev.bootcluster.offload;

import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown when an offload pool's queue is full: the call fails at once instead of waiting
 * without bound.
 */
public class OffloadRejectedException extends RejectedExecutionException {

	private final String pool;

	public OffloadRejectedException(String pool, int queueCapacity) {
		this(pool, "Offload pool '" + pool + "' is saturated: every thread is busy and its queue of " + queueCapacity
				+ " tasks is full");
	}

	OffloadRejectedException(String pool, String message) {
		super(message);
		this.pool = pool;
	}

	public String getPool() {
		return this.pool;
	}

}
