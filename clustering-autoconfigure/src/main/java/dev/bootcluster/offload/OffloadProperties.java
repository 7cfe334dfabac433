package dev.bootcluster.offload;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the {@link Offload @Offload} pools: the default pool and named pools.
 */
@ConfigurationProperties("app.cluster.offload")
public class OffloadProperties {

	/**
	 * Whether @Offload methods run on the pools. When false they run on the caller's
	 * thread (a baseline for comparison, or a way to debug).
	 */
	private boolean enabled = true;

	/**
	 * Threads of the default pool. Defaults to the cores this process owns; in a cluster,
	 * the worker's share (-XX:ActiveProcessorCount), so workers never oversubscribe the
	 * machine.
	 */
	private @Nullable Integer threads;

	/**
	 * Tasks that may wait for a thread of the default pool; a call beyond that fails at
	 * once with OffloadRejectedException.
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
