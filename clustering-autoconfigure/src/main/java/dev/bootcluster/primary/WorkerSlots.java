package dev.bootcluster.primary;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.WorkerState;

/**
 * The supervisor's books: the worker ids the cluster has, every running worker process
 * (replacements and draining ones included) and the ids waiting for their turn to start.
 * It decides nothing; only the supervisor's thread touches it.
 */
final class WorkerSlots {

	private final ClusterProperties.Restart restart;

	private final List<WorkerSlot> slots = new ArrayList<>();

	private final Map<Long, WorkerRun> runs = new HashMap<>();

	private final Deque<WorkerSlot> waiting = new ArrayDeque<>();

	WorkerSlots(int workers, ClusterProperties.Restart restart) {
		this.restart = restart;
		for (int id = 0; id < workers; id++) {
			add(id);
		}
	}

	WorkerSlot add(int id) {
		WorkerSlot slot = new WorkerSlot(id, this.restart);
		this.slots.add(slot);
		return slot;
	}

	void remove(WorkerSlot slot) {
		this.slots.remove(slot);
		this.waiting.remove(slot);
	}

	List<WorkerSlot> all() {
		return List.copyOf(this.slots);
	}

	boolean contains(WorkerSlot slot) {
		return this.slots.contains(slot);
	}

	@Nullable WorkerSlot slot(int workerId) {
		return this.slots.stream().filter((slot) -> slot.id() == workerId).findFirst().orElse(null);
	}

	@Nullable WorkerSlot slotOf(WorkerRun run) {
		return slot(run.workerId());
	}

	/**
	 * The ids the cluster keeps, without those being drained by a scale down.
	 * @return the number of workers the cluster should have
	 */
	int configured() {
		return (int) this.slots.stream().filter((slot) -> !slot.isRetiring()).count();
	}

	int ready() {
		return (int) this.slots.stream().filter(WorkerSlot::isReady).count();
	}

	boolean allReady() {
		return this.slots.stream().allMatch(WorkerSlot::isReady);
	}

	void track(WorkerRun run) {
		this.runs.put(run.pid(), run);
	}

	void untrack(WorkerRun run) {
		this.runs.remove(run.pid());
	}

	@Nullable WorkerRun run(long pid) {
		return this.runs.get(pid);
	}

	Collection<WorkerRun> runs() {
		return List.copyOf(this.runs.values());
	}

	/**
	 * The processes of ids a scale down is removing that have not exited yet.
	 * @return how many
	 */
	int draining() {
		return (int) this.slots.stream().filter((slot) -> slot.isRetiring() && slot.isLive()).count();
	}

	/**
	 * The process of each worker id that a scrape asks: the id's current one while it
	 * serves or drains, one per id so that series never repeat.
	 * @return the processes, by id
	 */
	List<WorkerRun> scrapeTargets() {
		List<WorkerRun> targets = new ArrayList<>();
		for (WorkerSlot slot : this.slots) {
			WorkerRun current = slot.current();
			if (current != null && (current.state() == WorkerState.READY || current.state() == WorkerState.DRAINING)) {
				targets.add(current);
			}
		}
		return targets;
	}

	/**
	 * Where the management port sends new connections: the private management ports of
	 * the ready processes, leaving out silent ones (a frozen JVM's kernel still completes
	 * connections to it, and their requests would hang) unless every one is.
	 * @return the ports, and those of the silent ones left out
	 */
	ManagementProxy.Targets managementTargets() {
		List<WorkerRun> ready = this.runs.values()
			.stream()
			.filter((run) -> run.state() == WorkerState.READY && run.managementPort() > 0)
			.toList();
		List<WorkerRun> heard = ready.stream().filter((run) -> !run.isSilent()).toList();
		if (heard.isEmpty()) {
			return new ManagementProxy.Targets(ready.stream().map(WorkerRun::managementPort).toList(), Set.of());
		}
		return new ManagementProxy.Targets(heard.stream().map(WorkerRun::managementPort).toList(),
				ready.stream()
					.filter((run) -> !heard.contains(run))
					.map(WorkerRun::managementPort)
					.collect(Collectors.toSet()));
	}

	long starting() {
		return this.runs.values().stream().filter((run) -> run.state() == WorkerState.STARTING).count();
	}

	void await(WorkerSlot slot) {
		if (!this.waiting.contains(slot)) {
			this.waiting.add(slot);
		}
	}

	@Nullable WorkerSlot nextWaiting() {
		return this.waiting.poll();
	}

	boolean hasWaiting() {
		return !this.waiting.isEmpty();
	}

	void clearWaiting() {
		this.waiting.clear();
	}

	/**
	 * Every process the primary tracks, and the last one of each id that is no longer
	 * running, by id and start.
	 * @return the workers' status
	 */
	List<ClusterStatus.Worker> status() {
		List<ClusterStatus.Worker> workers = new ArrayList<>();
		for (WorkerSlot slot : this.slots) {
			WorkerRun current = slot.current();
			if (current != null && !current.isLive()) {
				workers.add(current.status(slot.restarts(), slot.lastExit()));
			}
		}
		for (WorkerRun run : this.runs.values()) {
			WorkerSlot slot = slotOf(run);
			workers.add(run.status((slot != null) ? slot.restarts() : 0, (slot != null) ? slot.lastExit() : null));
		}
		workers.sort(Comparator.comparingInt(ClusterStatus.Worker::id).thenComparing(ClusterStatus.Worker::started));
		return workers;
	}

}
