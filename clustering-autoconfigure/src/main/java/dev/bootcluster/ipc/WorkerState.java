package dev.bootcluster.ipc;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a worker process is in its life, as the primary tracks it.
 */
public enum WorkerState {

	/** Forked, not yet accepting traffic. */
	STARTING,

	/** Readiness is {@code ACCEPTING_TRAFFIC}, and it takes connections. */
	READY,

	/** Asked to stop, draining in-flight requests. */
	DRAINING,

	/** Exited after the primary asked it to stop. */
	STOPPED,

	/** Exited without being asked, waiting for its restart. */
	FAILED;

	/**
	 * Whether the process is still running.
	 * @return {@code true} while starting, ready or draining
	 */
	public boolean isLive() {
		return this == STARTING || this == READY || this == DRAINING;
	}

	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
