package dev.bootcluster.offload;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Metrics of every offload pool, tagged with {@code pool}: Micrometer's executor metrics
 * ({@code executor.*}, {@code name=offload-<pool>}), {@code offload.queue.wait} and
 * {@code offload.run} timers with percentile histograms, {@code offload.rejected} and
 * {@code offload.timeouts} counters, and an {@code offload.utilization} gauge.
 */
public class OffloadMetrics implements SmartInitializingSingleton {

	private final OffloadPools pools;

	private final ObjectProvider<MeterRegistry> registry;

	public OffloadMetrics(OffloadPools pools, ObjectProvider<MeterRegistry> registry) {
		this.pools = pools;
		this.registry = registry;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.registry.ifAvailable(this::bindTo);
	}

	/**
	 * Register every pool's meters.
	 * @param registry the registry
	 */
	public void bindTo(MeterRegistry registry) {
		for (OffloadPool pool : this.pools.all()) {
			List<Tag> tags = List.of(Tag.of("pool", pool.getName()));
			// Tagged by name only, like every other executor: Prometheus needs one tag
			// set per meter name.
			new ExecutorServiceMetrics(pool.executor(), "offload-" + pool.getName(), List.of()).bindTo(registry);
			Timer wait = Timer.builder("offload.queue.wait")
				.description("Time offloaded tasks waited for a thread")
				.tags(tags)
				.publishPercentileHistogram()
				.register(registry);
			Timer run = Timer.builder("offload.run")
				.description("Time offloaded tasks ran")
				.tags(tags)
				.publishPercentileHistogram()
				.register(registry);
			Counter rejected = Counter.builder("offload.rejected")
				.description("Tasks refused because the pool's queue was full")
				.tags(tags)
				.register(registry);
			Counter timedOut = Counter.builder("offload.timeouts")
				.description("Calls that exceeded the pool's timeout and were interrupted")
				.tags(tags)
				.register(registry);
			Gauge.builder("offload.utilization", pool, OffloadPool::utilization)
				.description("Busy threads over threads")
				.tags(tags)
				.register(registry);
			pool.observe(new PoolObserver() {

				@Override
				public void queued(long waitNanos) {
					wait.record(waitNanos, TimeUnit.NANOSECONDS);
				}

				@Override
				public void ran(long runNanos) {
					run.record(runNanos, TimeUnit.NANOSECONDS);
				}

				@Override
				public void rejected() {
					rejected.increment();
				}

				@Override
				public void timedOut() {
					timedOut.increment();
				}

			});
		}
	}

}
