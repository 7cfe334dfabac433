package dev.bootcluster.ipc;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How the workers share the application port.
 */
public enum PortSharing {

	/**
	 * One listening socket the primary owns, inherited by every worker: one accept queue.
	 */
	INHERITED_SOCKET;

	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
