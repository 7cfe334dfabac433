package dev.bootcluster.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.worker.ClusterClient;
import dev.bootcluster.worker.ClusterOperationException;

/**
 * The {@code cluster} health contributor: UP while at least one worker accepts traffic,
 * DOWN when none does or the primary does not answer; details per worker.
 */
public class ClusterHealthIndicator implements HealthIndicator {

	private final ClusterClient client;

	public ClusterHealthIndicator(ClusterClient client) {
		this.client = client;
	}

	@Override
	public Health health() {
		ClusterStatus status;
		try {
			status = this.client.status();
		}
		catch (ClusterOperationException ex) {
			return Health.down().withDetail("error", ex.getMessage()).build();
		}
		Map<String, Object> workers = new LinkedHashMap<>();
		for (ClusterStatus.Worker worker : status.workers()) {
			workers.put(worker.id() + "/" + worker.pid(), worker.state());
		}
		Health.Builder health = (status.readyInstances() > 0) ? Health.up() : Health.down();
		return health.withDetail("configured", status.configuredInstances())
			.withDetail("ready", status.readyInstances())
			.withDetail("workers", workers)
			.build();
	}

}
