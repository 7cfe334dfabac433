package dev.bootcluster.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when an {@code app.cluster.*} property has a value that cannot be used.
 */
public class InvalidClusterPropertyException extends RuntimeException {

	private final String property;

	private final @Nullable Object value;

	private final String accepted;

	public InvalidClusterPropertyException(String property, @Nullable Object value, String accepted) {
		super("Invalid value '" + value + "' for property '" + property + "': expected " + accepted);
		this.property = property;
		this.value = value;
		this.accepted = accepted;
	}

	public String getProperty() {
		return this.property;
	}

	public @Nullable Object getValue() {
		return this.value;
	}

	public String getAccepted() {
		return this.accepted;
	}

}
