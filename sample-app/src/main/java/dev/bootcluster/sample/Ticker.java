package dev.bootcluster.sample;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.bootcluster.scheduling.ClusterSingleton;

/**
 * A job that must run once in the cluster, not once per worker: every second it counts
 * {@code sample.ticks} on the one worker that runs the single-worker jobs.
 */
@Component
class Ticker {

	private static final Log logger = LogFactory.getLog(Ticker.class);

	private final Counter ticks;

	private final int workerId;

	Ticker(MeterRegistry registry, @Value("${app.cluster.worker-id:-1}") int workerId) {
		this.ticks = Counter.builder("sample.ticks").description("Ticks of the single-worker job").register(registry);
		this.workerId = workerId;
	}

	@Scheduled(fixedRate = 1000)
	@ClusterSingleton
	public void tick() {
		this.ticks.increment();
		logger.debug("Tick on worker " + this.workerId);
	}

}
