package dev.bootcluster.offload;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.springframework.context.SmartLifecycle;

/**
 * The default offload pool and the named ones. Stops after the web server has drained, so
 * requests still in flight can finish their offloaded work.
 */
public class OffloadPools implements SmartLifecycle {

	/** The name of the default pool in metrics and thread names. */
	public static final String DEFAULT_POOL = OffloadProperties.DEFAULT_POOL;

	private final Map<String, OffloadPool> pools = new LinkedHashMap<>();

	private final boolean enabled;

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "offload-timeout");
		thread.setDaemon(true);
		return thread;
	});

	private volatile boolean running = true;

	/**
	 * Create the pools the properties describe.
	 * @param properties the properties, checked first
	 * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException
	 * for a value out of range
	 */
	public OffloadPools(OffloadProperties properties) {
		properties.validate();
		this.enabled = properties.isEnabled();
		int threads = (properties.getThreads() != null) ? properties.getThreads()
				: Runtime.getRuntime().availableProcessors();
		add(DEFAULT_POOL, threads, properties.getQueueCapacity(), properties.getTimeout());
		properties.getPools().forEach((name, pool) -> {
			add(name, (pool.getThreads() != null) ? pool.getThreads() : threads,
					(pool.getQueueCapacity() != null) ? pool.getQueueCapacity() : properties.getQueueCapacity(),
					(pool.getTimeout() != null) ? pool.getTimeout() : properties.getTimeout());
		});
	}

	private void add(String name, int threads, int queueCapacity, Duration timeout) {
		this.pools.put(name, new OffloadPool(name, threads, queueCapacity, timeout, this.timer));
	}

	/**
	 * Whether offloading is on; when off, annotated methods run on the caller's thread.
	 * @return whether offloading is on
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * The pool of an {@link Offload} value.
	 * @param name the annotation's value, empty for the default pool
	 * @return the pool
	 * @throws IllegalArgumentException when no pool has that name
	 */
	public OffloadPool get(String name) {
		OffloadPool pool = this.pools.get(name.isEmpty() ? DEFAULT_POOL : name);
		if (pool == null) {
			throw new IllegalArgumentException("No offload pool named '" + name + "'; configured pools: "
					+ this.pools.keySet() + " (add one under app.cluster.offload.pools." + name + ")");
		}
		return pool;
	}

	public Collection<OffloadPool> all() {
		return Collections.unmodifiableCollection(this.pools.values());
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.pools.values().forEach(OffloadPool::shutdown);
		this.timer.shutdownNow();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Below the web server's phases: stopped after it has drained its requests.
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

}
