package dev.bootcluster.ipc;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why a worker process ended.
 */
public enum ExitReason {

	/** The primary asked it to stop: shutdown, reload, scale. */
	REQUESTED,

	/** A SIGTERM from outside the primary; the worker stopped gracefully. */
	TERMINATED,

	/** SIGKILL from outside the primary, such as the kernel's OOM killer. */
	KILLED,

	/** Exit code 0 without being asked. */
	EXITED,

	/** A non-zero exit code, or a signal other than SIGTERM and SIGKILL. */
	CRASHED,

	/** Not ready within {@code app.cluster.startup-timeout}; the primary killed it. */
	STARTUP_TIMEOUT;

	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
