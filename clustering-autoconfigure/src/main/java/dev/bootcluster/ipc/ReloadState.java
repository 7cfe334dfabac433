package dev.bootcluster.ipc;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a rolling reload is.
 */
public enum ReloadState {

	/** Replacing workers one at a time. */
	RUNNING,

	/** Every worker was replaced. */
	SUCCEEDED,

	/** A replacement could not start; the old workers keep serving. */
	FAILED,

	/** The cluster began shutting down. */
	ABORTED;

	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}
