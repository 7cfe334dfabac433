package dev.bootcluster.ipc;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the primary knows about the cluster, as any worker reports it.
 *
 * @param primaryPid the primary's process id
 * @param started when the primary started
 * @param uptimeMillis how long the primary has run
 * @param primaryResidentBytes the primary's resident memory (it runs no user code)
 * @param configuredInstances the number of workers the cluster should have
 * @param readyInstances the number of workers accepting traffic
 * @param port the shared application port
 * @param managementPort the management port every worker serves, if separate
 * @param sharing how the application port is shared
 * @param workers every worker process the primary tracks, by id
 * @param reload the current or last reload, if any
 */
public record ClusterStatus(long primaryPid, Instant started, long uptimeMillis, long primaryResidentBytes,
		int configuredInstances, int readyInstances, int port, @Nullable Integer managementPort, PortSharing sharing,
		List<Worker> workers, @Nullable Reload reload) {

	/**
	 * One worker process.
	 *
	 * @param id the stable worker id
	 * @param pid the process id
	 * @param state where it is in its life
	 * @param started when it was forked
	 * @param uptimeMillis how long it has run
	 * @param restarts how often this worker id was restarted after a failure
	 * @param lastExit how the previous process of this id ended, if one did
	 * @param heapUsedBytes heap in use at the last heartbeat
	 * @param heapMaxBytes maximum heap
	 * @param residentBytes resident memory at the last heartbeat
	 * @param requests requests served by this process
	 */
	public record Worker(int id, long pid, WorkerState state, Instant started, long uptimeMillis, int restarts,
			@Nullable Exit lastExit, long heapUsedBytes, long heapMaxBytes, long residentBytes, long requests) {

	}

	/**
	 * How a worker process ended.
	 *
	 * @param code the exit code
	 * @param signal the signal that killed it, if one did
	 * @param reason why
	 */
	public record Exit(int code, @Nullable String signal, ExitReason reason) {

	}

	/**
	 * A rolling reload.
	 *
	 * @param id its id
	 * @param state where it is
	 * @param started when it started
	 * @param finished when it finished, if it did
	 * @param outcome what happened, in words
	 * @param steps one step per replaced worker
	 */
	public record Reload(String id, ReloadState state, Instant started, @Nullable Instant finished, String outcome,
			List<Step> steps) {

	}

	/**
	 * The replacement of one worker within a reload.
	 *
	 * @param workerId the worker id
	 * @param oldPid the replaced process
	 * @param newPid the replacement, if it was started
	 * @param readyMillis from start of the replacement to ready, if it became ready
	 * @param drainMillis from asking the old process to stop to its exit, if it exited
	 */
	public record Step(int workerId, long oldPid, @Nullable Long newPid, @Nullable Long readyMillis,
			@Nullable Long drainMillis) {

	}

}
