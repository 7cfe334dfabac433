package dev.bootcluster.worker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.bootcluster.ipc.WorkerLaunch;

/**
 * Ends the worker when its primary is gone, so that no orphan keeps serving the shared
 * port. The channel to the primary closing says so at once, whatever killed the primary;
 * a check that the primary is still this process's parent covers a worker that never got
 * connected. The worker shuts down gracefully, and halts if that takes too long.
 */
final class PrimaryWatch {

	private static final Log logger = LogFactory.getLog(PrimaryWatch.class);

	/** How long an orphaned worker may spend shutting down before it halts. */
	private static final long ORPHAN_EXIT_MILLIS = 1500;

	private static final long PARENT_CHECK_MILLIS = 250;

	private final WorkerLaunch launch;

	private boolean primaryGone;

	PrimaryWatch(WorkerLaunch launch) {
		this.launch = launch;
	}

	/**
	 * Check the parent every quarter of a second.
	 * @param scheduler the worker agent's scheduler
	 */
	void start(ScheduledExecutorService scheduler) {
		scheduler.scheduleWithFixedDelay(this::checkParent, PARENT_CHECK_MILLIS, PARENT_CHECK_MILLIS,
				TimeUnit.MILLISECONDS);
	}

	private void checkParent() {
		try {
			long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
			if (parent != this.launch.primaryPid()) {
				primaryGone();
			}
		}
		catch (RuntimeException ex) {
			// The next check asks again; a failed one must not end the watch.
			logger.debug("Parent check failed", ex);
		}
	}

	/**
	 * Exit because the primary is gone; only the first call acts.
	 */
	synchronized void primaryGone() {
		if (this.primaryGone) {
			return;
		}
		this.primaryGone = true;
		logger.warn(
				"Primary (pid " + this.launch.primaryPid() + ") is gone; worker " + this.launch.workerId() + " exits");
		CompletableFuture.delayedExecutor(ORPHAN_EXIT_MILLIS, TimeUnit.MILLISECONDS)
			.execute(() -> Runtime.getRuntime().halt(1));
		new Thread(() -> System.exit(1), "cluster-orphan-exit").start();
	}

}
