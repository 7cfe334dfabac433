package dev.bootcluster.primary;

import java.io.IOException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.os.Niceness;

/**
 * Restarts a worker whose process failed after it had served at a higher CPU priority
 * than the workers still serving, until it is ready ({@code app.cluster.restart.urgent}):
 * the cluster lost the capacity it had, and under a saturating load a JVM that starts as
 * their equal takes half the cores' time for its class loading, JIT and warm-up only as
 * slowly as they give it up. A worker that failed before it served (a crash loop) never
 * restarts urgently. Only where the primary may lower a nice value below its own
 * ({@code CAP_SYS_NICE} or {@code RLIMIT_NICE}).
 */
final class UrgentStart {

	private static final Log logger = LogFactory.getLog(UrgentStart.class);

	/** How much less nice than the primary a restarted worker starts. */
	static final int NICE_DECREMENT = 5;

	private final int nice;

	private UrgentStart(int nice) {
		this.nice = nice;
	}

	/**
	 * Urgent restarts for this primary, or why not when it cannot have them.
	 * @param enabled {@code app.cluster.restart.urgent}
	 * @return urgent restarts, or {@code null} when restarted workers start at normal
	 * priority
	 */
	static @Nullable UrgentStart choose(boolean enabled) {
		if (!enabled) {
			return null;
		}
		int nice;
		try {
			nice = Niceness.ofThisThread();
		}
		catch (IOException | RuntimeException ex) {
			return normalPriority("the nice value of this process is unknown (" + ex.getMessage() + ")");
		}
		if (nice - NICE_DECREMENT < -20) {
			return normalPriority("the primary already runs at nice " + nice);
		}
		if (!Niceness.mayLowerTo(nice - NICE_DECREMENT)) {
			return normalPriority("the primary may not run a worker at nice " + (nice - NICE_DECREMENT)
					+ " without CAP_SYS_NICE or RLIMIT_NICE");
		}
		return new UrgentStart(nice);
	}

	private static @Nullable UrgentStart normalPriority(String reason) {
		logger.info("Restarted workers start at normal priority (app.cluster.restart.urgent: " + reason + ")");
		return null;
	}

	/**
	 * The nice value a restarted worker runs at until it is ready.
	 * @return the primary's nice value less {@link #NICE_DECREMENT}
	 */
	private int urgentNice() {
		return this.nice - NICE_DECREMENT;
	}

	/**
	 * Raise the priority of every thread of a worker just started above the primary's.
	 * @param pid the worker's process
	 * @param description the worker, for the log
	 */
	void raisePriority(long pid, String description) {
		try {
			Niceness.set(pid, urgentNice());
			logger.info(description + " restores the capacity of a worker that served: runs at nice " + urgentNice()
					+ " until ready");
		}
		catch (IOException | RuntimeException | LinkageError ex) {
			// Such as a worker that exited at once: whatever threads were raised, it is
			// returned to the primary's priority once it is ready.
			logger.warn(description + " may run only partly at nice " + urgentNice() + " (" + ex.getMessage() + ")");
		}
	}

	/**
	 * Return every thread of a worker restarted urgently to the primary's nice value.
	 * @param pid the worker's process
	 * @param description the worker, for the log
	 * @return whether some of its threads may still run at another priority
	 */
	boolean normalPriority(long pid, String description) {
		return GentleStart.returnTo(this.nice, pid, description);
	}

}
