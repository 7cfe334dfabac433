package dev.bootcluster.primary;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.config.InstanceCount;
import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.ClusterMessage.Refused;
import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.PortSharing;
import dev.bootcluster.ipc.ReloadState;
import dev.bootcluster.os.ProcessMemory;

/**
 * Answers what operators ask through any worker, and carries it out: the cluster's
 * status, a rolling reload, a scale. Each request is checked first and refused with the
 * reason (a malformed or too large size, the cluster shutting down). Runs on the
 * supervisor's thread.
 */
final class OperatorRequests {

	private static final Log logger = LogFactory.getLog(OperatorRequests.class);

	private final Supervisor supervisor;

	private final WorkerSlots slots;

	private final ClusterPlan plan;

	private final Instant started = Instant.now();

	private final long startNanos = System.nanoTime();

	private @Nullable RollingReload reload;

	private int reloads;

	/** A size asked for while a reload ran, applied when it ends. */
	private @Nullable Integer sizeAfterReload;

	private final ClusterCounters counters;

	OperatorRequests(Supervisor supervisor, WorkerSlots slots, ClusterPlan plan, ClusterCounters counters) {
		this.supervisor = supervisor;
		this.slots = slots;
		this.plan = plan;
		this.counters = counters;
	}

	/**
	 * Answer a request: a reply, or {@link Refused} with the reason.
	 * @param request the request
	 * @return the reply
	 */
	ClusterMessage.Reply answer(ClusterMessage.Request request) {
		try {
			if (request instanceof ClusterMessage.ReloadRequest) {
				return reload(request.id());
			}
			if (request instanceof ClusterMessage.ScaleRequest scale) {
				return scale(scale.id(), scale.instances());
			}
			return new ClusterMessage.StatusReply(request.id(), status());
		}
		catch (RuntimeException ex) {
			logger.error("Failed to answer " + request, ex);
			return new Refused(request.id(), "The primary could not answer: " + ex);
		}
	}

	private ClusterMessage.Reply reload(long id) {
		RollingReload running = runningReload();
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
		RollingReload started = new RollingReload(String.valueOf(++this.reloads),
				this.slots.all().stream().filter((slot) -> !slot.isRetiring()).map(WorkerSlot::id).toList(),
				this.supervisor.rollover(), this::reloadFinished);
		this.reload = started;
		started.start();
		return new ClusterMessage.ReloadReply(id, started.id(), true);
	}

	private ClusterMessage.Reply scale(long id, @Nullable String instances) {
		int target;
		try {
			target = InstanceCount.parse((instances != null) ? instances : "").resolve(this.plan.cores());
		}
		catch (IllegalArgumentException ex) {
			return new Refused(id,
					"Invalid value '" + instances + "' for property 'instances': expected " + ex.getMessage());
		}
		String tooMany = this.plan.limit().refusal(target + this.slots.draining());
		if (tooMany != null) {
			return new Refused(id, "Cannot scale to " + instances + ": " + tooMany
					+ ((this.slots.draining() > 0) ? " (" + this.slots.draining() + " still draining count)" : ""));
		}
		if (this.supervisor.isShuttingDown()) {
			return new Refused(id, "The cluster is shutting down");
		}
		int from = this.slots.configured();
		RollingReload running = runningReload();
		if (running != null) {
			logger.info("Scaling to " + target + " workers once reload " + running.id() + " has ended");
			this.sizeAfterReload = target;
		}
		else if (target == from) {
			logger.info("Scale to " + target + " workers: the cluster has " + from + " already");
		}
		else {
			resize(target);
		}
		return new ClusterMessage.ScaleReply(id, from, target);
	}

	/**
	 * Grow or shrink the cluster: new ids start a few at a time, the highest ids drain.
	 */
	private void resize(int target) {
		logger.info("Scaling from " + this.slots.configured() + " to " + target + " workers");
		List<WorkerSlot> added = new ArrayList<>();
		for (int id = 0; id < target; id++) {
			WorkerSlot slot = this.slots.slot(id);
			if (slot == null) {
				added.add(this.slots.add(id));
			}
			else if (slot.isRetiring()) {
				// Its process still drains: start a new one beside it.
				slot.keep();
				added.add(slot);
			}
		}
		for (WorkerSlot slot : this.slots.all()) {
			if (slot.id() >= target && !slot.isRetiring()) {
				slot.retire();
				WorkerRun current = slot.current();
				if (current != null && current.isLive()) {
					this.supervisor.retire(current, ExitReason.SCALE);
				}
				else {
					this.slots.remove(slot);
				}
			}
		}
		added.forEach(this.supervisor::enqueue);
	}

	private void reloadFinished() {
		RollingReload reload = this.reload;
		if (reload != null) {
			ClusterStatus.Reload status = reload.status();
			this.counters.reloaded(status.state(), Duration.between(status.started(),
					(status.finished() != null) ? status.finished() : Instant.now()));
		}
		if (this.supervisor.isShuttingDown()) {
			return;
		}
		if (reload != null && reload.status().state() == ReloadState.SUCCEEDED) {
			this.supervisor.settled();
		}
		else {
			// The old workers still serve: nothing new for the launcher to prepare.
			PrimaryFootprint.shrink();
		}
		Integer target = this.sizeAfterReload;
		this.sizeAfterReload = null;
		if (target != null && target != this.slots.configured()) {
			resize(target);
		}
	}

	private @Nullable RollingReload runningReload() {
		return (this.reload != null && this.reload.isRunning()) ? this.reload : null;
	}

	ClusterStatus status() {
		return new ClusterStatus(ProcessHandle.current().pid(), this.started,
				Duration.ofNanos(System.nanoTime() - this.startNanos).toMillis(), ProcessMemory.residentBytes(),
				this.slots.configured(), this.slots.ready(), this.plan.port(), this.plan.managementPort(),
				PortSharing.INHERITED_SOCKET, this.slots.status(), (this.reload != null) ? this.reload.status() : null);
	}

}
