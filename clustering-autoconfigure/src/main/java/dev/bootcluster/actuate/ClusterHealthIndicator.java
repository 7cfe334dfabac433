package dev.bootcluster.actuate;

import java.util.List;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.WorkerState;
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
		List<WorkerDetail> workers = status.workers()
			.stream()
			.map((worker) -> new WorkerDetail(worker.id(), worker.pid(), worker.state()))
			.toList();
		Health.Builder health = (status.readyInstances() > 0) ? Health.up() : Health.down();
		return health.withDetail("configured", status.configuredInstances())
			.withDetail("ready", status.readyInstances())
			.withDetail("workers", workers)
			.build();
	}

	/**
	 * One worker process in the health details.
	 *
	 * @param id the worker id
	 * @param pid the process id
	 * @param state where it is
	 */
	public record WorkerDetail(int id, long pid, WorkerState state) {

	}

}
