package dev.bootcluster.offload;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Configuration of the {@link Offload @Offload} pools: the default pool and named pools.
 */
@ConfigurationProperties("app.cluster.offload")
public class OffloadProperties {

	/** The name of the default pool in metrics and thread names. */
	public static final String DEFAULT_POOL = "default";

	/** The most threads a pool may have. */
	public static final int MAX_THREADS = 1024;

	/** The most tasks a pool's queue may hold. */
	public static final int MAX_QUEUE_CAPACITY = 100_000;

	/**
	 * Whether @Offload methods run on the pools. When false they run on the caller's
	 * thread (a baseline for comparison, or a way to debug).
	 */
	private boolean enabled = true;

	/**
	 * Threads of the default pool (1 to 1024). Defaults to the cores this process may run
	 * on: in a worker pinned to its own CPUs, their number (its share,
	 * -XX:ActiveProcessorCount); in a worker that shares the CPUs with the others, the
	 * primary's cores, so that a core one worker leaves idle runs another's work.
	 */
	private @Nullable Integer threads;

	/**
	 * Tasks that may wait for a thread of the default pool (0 to 100000); a call beyond
	 * that fails at once with OffloadRejectedException.
	 */
	private int queueCapacity = 100;

	/**
	 * Longest time an offloaded call may take, queue wait included, before it is
	 * interrupted and fails with OffloadTimeoutException.
	 */
	private Duration timeout = Duration.ofSeconds(30);

	/**
	 * Named pools, used with @Offload("name"). Unset values take the default pool's.
	 */
	private final Map<String, Pool> pools = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Integer getThreads() {
		return this.threads;
	}

	public void setThreads(@Nullable Integer threads) {
		this.threads = threads;
	}

	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	public void setQueueCapacity(int queueCapacity) {
		this.queueCapacity = queueCapacity;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Map<String, Pool> getPools() {
		return this.pools;
	}

	/**
	 * Check every value, failing on the first one that is out of range.
	 * @throws InvalidConfigurationPropertyValueException naming the property, its value
	 * and what is accepted
	 */
	public void validate() {
		check("app.cluster.offload.", this.threads, this.queueCapacity, this.timeout);
		this.pools.forEach((name, pool) -> {
			String prefix = "app.cluster.offload.pools." + name + ".";
			if (name.isEmpty() || DEFAULT_POOL.equals(name)) {
				throw new InvalidConfigurationPropertyValueException("app.cluster.offload.pools", name,
						"The name '" + name + "' is reserved; configure the default pool with "
								+ "app.cluster.offload.threads, queue-capacity and timeout.");
			}
			check(prefix, pool.threads, pool.queueCapacity, pool.timeout);
		});
	}

	private static void check(String prefix, @Nullable Integer threads, @Nullable Integer queueCapacity,
			@Nullable Duration timeout) {
		if (threads != null && (threads < 1 || threads > MAX_THREADS)) {
			throw new InvalidConfigurationPropertyValueException(prefix + "threads", threads,
					"Expected a whole number from 1 to " + MAX_THREADS + ".");
		}
		if (queueCapacity != null && (queueCapacity < 0 || queueCapacity > MAX_QUEUE_CAPACITY)) {
			throw new InvalidConfigurationPropertyValueException(prefix + "queue-capacity", queueCapacity,
					"Expected a whole number from 0 to " + MAX_QUEUE_CAPACITY + ".");
		}
		if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
			throw new InvalidConfigurationPropertyValueException(prefix + "timeout", timeout,
					"Expected a positive duration, such as 30s.");
		}
	}

	/**
	 * A named pool.
	 */
	public static class Pool {

		/**
		 * Threads of this pool.
		 */
		private @Nullable Integer threads;

		/**
		 * Tasks that may wait for a thread of this pool.
		 */
		private @Nullable Integer queueCapacity;

		/**
		 * Longest time a call on this pool may take, queue wait included.
		 */
		private @Nullable Duration timeout;

		public @Nullable Integer getThreads() {
			return this.threads;
		}

		public void setThreads(@Nullable Integer threads) {
			this.threads = threads;
		}

		public @Nullable Integer getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(@Nullable Integer queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

	}

}
