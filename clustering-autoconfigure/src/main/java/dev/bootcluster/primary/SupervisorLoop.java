package dev.bootcluster.primary;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The primary's one thread. Every event (a message from a worker, a worker's exit, a
 * timer, a signal) runs on it in turn, so the supervisor's decisions never race; a task
 * that fails is logged, and supervision goes on.
 */
final class SupervisorLoop {

	private static final Log logger = LogFactory.getLog(SupervisorLoop.class);

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "cluster-supervisor");
		thread.setDaemon(true);
		return thread;
	});

	/**
	 * Run a task on the loop, after the ones already queued.
	 * @param task the task
	 */
	void execute(Runnable task) {
		try {
			this.executor.execute(guarded(task));
		}
		catch (RejectedExecutionException ex) {
			// Stopped: the primary is exiting, and so is every worker.
		}
	}

	/**
	 * Run a task on the loop after a delay.
	 * @param task the task
	 * @param delay the delay
	 */
	void schedule(Runnable task, Duration delay) {
		try {
			this.executor.schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Stopped: the primary is exiting, and so is every worker.
		}
	}

	/**
	 * Run a task on the loop periodically, until the loop stops.
	 * @param period the time between runs
	 * @param task the task
	 */
	void every(Duration period, Runnable task) {
		this.executor.scheduleWithFixedDelay(guarded(task), period.toMillis(), period.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Stop the loop; queued and scheduled tasks are dropped.
	 */
	void stop() {
		this.executor.shutdownNow();
	}

	/**
	 * An executor keeps a task's exception to itself; a supervisor must not fail
	 * silently.
	 */
	private static Runnable guarded(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException | Error ex) {
				logger.error("Supervisor task failed; supervision goes on", ex);
			}
		};
	}

}
