package dev.bootcluster.ipc;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why a worker process ended.
 */
public enum ExitReason {

	/** The cluster shut down (SIGTERM or SIGINT to the primary). */
	SHUTDOWN,

	/** Replaced by a rolling reload. */
	RELOAD,

	/** Drained by a scale down. */
	SCALE,

	/** Replaced because its resident memory went over {@code worker.max-memory}. */
	MEMORY,

	/** Replaced after serving {@code worker.max-requests} (plus its jitter). */
	REQUESTS,

	/**
	 * Replaced because it stopped sending heartbeats, or every request thread was busy
	 * and none finished a request, for {@code worker.heartbeat-timeout}.
	 */
	HEARTBEAT_TIMEOUT,

	/** Not ready within {@code app.cluster.startup-timeout}; the primary killed it. */
	STARTUP_TIMEOUT,

	/** A SIGTERM from outside the primary; the worker stopped gracefully. */
	TERMINATED,

	/** SIGKILL from outside the primary, such as the kernel's OOM killer. */
	KILLED,

	/** Exit code 0 without being asked. */
	EXITED,

	/** A non-zero exit code, or a signal other than SIGTERM and SIGKILL. */
	CRASHED;

	/**
	 * Whether the primary replaced the worker to keep it healthy, which counts as one of
	 * its restarts.
	 * @return {@code true} for memory, requests and heartbeat timeout
	 */
	public boolean isRecycling() {
		return this == MEMORY || this == REQUESTS || this == HEARTBEAT_TIMEOUT;
	}

	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
