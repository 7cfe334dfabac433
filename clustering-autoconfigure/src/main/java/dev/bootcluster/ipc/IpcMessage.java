package dev.bootcluster.ipc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One message between the primary and a worker: a type and string attributes.
 *
 * @param type what the message means
 * @param attributes its attributes, in insertion order
 */
public record IpcMessage(Type type, Map<String, String> attributes) {

	public IpcMessage {
		attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
	}

	/**
	 * Start a message.
	 * @param type its type
	 * @return a builder
	 */
	public static Builder of(Type type) {
		return new Builder(type);
	}

	public @Nullable String get(String name) {
		return this.attributes.get(name);
	}

	public String require(String name) {
		String value = get(name);
		if (value == null) {
			throw new IllegalArgumentException(this.type + " message has no '" + name + "'");
		}
		return value;
	}

	/**
	 * The kinds of message. Unknown kinds from a newer peer are rejected by the codec.
	 */
	public enum Type {

		/**
		 * Worker to primary, first message: who it is, authenticated by the run's secret.
		 */
		HELLO,

		/** Worker to primary: readiness is {@code ACCEPTING_TRAFFIC}. */
		READY,

		/** Worker to primary: the worker began a graceful shutdown. */
		STOPPING,

		/**
		 * Worker to primary, every few seconds: heap, resident memory, requests served.
		 */
		HEARTBEAT,

		/**
		 * Worker to primary: an operator's request ({@code action} = status, reload or
		 * scale), answered with a {@link #RESPONSE} carrying the same {@code request} id.
		 */
		REQUEST,

		/**
		 * Primary to worker: the answer to a {@link #REQUEST}; {@code error} when
		 * refused.
		 */
		RESPONSE

	}

	/**
	 * Builds a message attribute by attribute.
	 */
	public static final class Builder {

		private final Type type;

		private final Map<String, String> attributes = new LinkedHashMap<>();

		private Builder(Type type) {
			this.type = type;
		}

		public Builder with(String name, Object value) {
			this.attributes.put(name, String.valueOf(value));
			return this;
		}

		public IpcMessage build() {
			return new IpcMessage(this.type, this.attributes);
		}

	}

}
