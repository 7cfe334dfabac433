package dev.bootcluster.primary;

import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.bootcluster.config.InstanceCount;
import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.ClusterMessage.Refused;
import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.os.ProcessMemory;

/**
 * Answers what operators ask through any worker: the cluster's status, a rolling reload,
 * a scale. Checks each request and refuses it with the reason (a malformed or too large
 * size, a reload running, the cluster shutting down) before the supervisor acts on it.
 * Runs on the supervisor's thread.
 */
final class OperatorRequests {

	private static final Log logger = LogFactory.getLog(OperatorRequests.class);

	private final Supervisor supervisor;

	private final WorkerSlots slots;

	private final ClusterPlan plan;

	private final Instant started = Instant.now();

	private final long startNanos = System.nanoTime();

	OperatorRequests(Supervisor supervisor, WorkerSlots slots, ClusterPlan plan) {
		this.supervisor = supervisor;
		this.slots = slots;
		this.plan = plan;
	}

	ClusterMessage.Reply answer(ClusterMessage.Request request) {
		if (request instanceof ClusterMessage.ReloadRequest) {
			return reload(request.id());
		}
		if (request instanceof ClusterMessage.ScaleRequest scale) {
			return scale(scale.id(), scale.instances());
		}
		return new ClusterMessage.StatusReply(request.id(), status());
	}

	private ClusterMessage.Reply reload(long id) {
		RollingReload running = this.supervisor.runningReload();
		if (running != null) {
			return new ClusterMessage.ReloadReply(id, running.id(), false);
		}
		if (this.supervisor.isShuttingDown()) {
			return new Refused(id, "The cluster is shutting down");
		}
		if (this.slots.hasWaiting()) {
			return new Refused(id,
					"Workers are still waiting to start after a scale or restarts; " + "reload once they are ready");
		}
		return new ClusterMessage.ReloadReply(id, this.supervisor.startReload().id(), true);
	}

	private ClusterMessage.Reply scale(long id, String instances) {
		int target;
		try {
			target = InstanceCount.parse(instances).resolve(this.plan.cores());
		}
		catch (IllegalArgumentException ex) {
			return new Refused(id,
					"Invalid value '" + instances + "' for property 'instances': expected " + ex.getMessage());
		}
		String tooMany = this.plan.limit().refusal(target);
		if (tooMany != null) {
			return new Refused(id, "Cannot scale to " + instances + ": " + tooMany);
		}
		if (this.supervisor.isShuttingDown()) {
			return new Refused(id, "The cluster is shutting down");
		}
		int from = this.slots.configured();
		if (this.supervisor.runningReload() != null) {
			this.supervisor.resizeAfterReload(target);
		}
		else if (target == from) {
			logger.info("Scale to " + target + " workers: the cluster has " + from + " already");
		}
		else {
			this.supervisor.resize(target);
		}
		return new ClusterMessage.ScaleReply(id, from, target);
	}

	ClusterStatus status() {
		RollingReload reload = this.supervisor.lastReload();
		return new ClusterStatus(ProcessHandle.current().pid(), this.started,
				Duration.ofNanos(System.nanoTime() - this.startNanos).toMillis(), ProcessMemory.residentBytes(),
				this.slots.configured(), this.slots.ready(), this.plan.port(), this.plan.managementPort(),
				"inherited-socket", this.slots.status(), (reload != null) ? reload.status() : null);
	}

}
