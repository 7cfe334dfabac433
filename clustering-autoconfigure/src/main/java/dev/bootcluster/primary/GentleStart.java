package dev.bootcluster.primary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.os.Niceness;

/**
 * Starts a worker that replaces one still serving (a reload, a recycled worker) at a
 * lower CPU priority, so that its start-up (class loading, JIT, warm-up) takes only the
 * CPU time the serving workers leave, raises it in steps while it starves, and returns it
 * to the primary's priority once it is ready ({@code app.cluster.worker.gentle-start}).
 * Only where the primary may do that: raising a nice value is always allowed, lowering it
 * again needs {@code CAP_SYS_NICE} or {@code RLIMIT_NICE}.
 */
final class GentleStart {

	private static final Log logger = LogFactory.getLog(GentleStart.class);

	/** How much nicer than the primary a gently started worker starts. */
	static final int NICE_INCREMENT = 10;

	private static final Path NICE = Path.of("/usr/bin/nice");

	private final int nice;

	private GentleStart(int nice) {
		this.nice = nice;
	}

	/**
	 * Gentle start-up for this primary, or why not when it cannot have it.
	 * @param enabled {@code app.cluster.worker.gentle-start}
	 * @return gentle start-up, or {@code null} when replacements start at normal priority
	 */
	static @Nullable GentleStart choose(boolean enabled) {
		if (!enabled) {
			return null;
		}
		if (!Files.isExecutable(NICE)) {
			return normalPriority(NICE + " not found");
		}
		int nice;
		try {
			// The thread that forks the workers has the nice value they inherit.
			nice = Niceness.ofThisThread();
		}
		catch (IOException | RuntimeException ex) {
			return normalPriority("the nice value of this process is unknown (" + ex.getMessage() + ")");
		}
		if (nice + NICE_INCREMENT > 19) {
			return normalPriority("the primary already runs at nice " + nice);
		}
		if (!Niceness.mayLowerTo(nice)) {
			return normalPriority("the primary could not return a worker to nice " + nice
					+ " once it is ready without CAP_SYS_NICE or RLIMIT_NICE");
		}
		return new GentleStart(nice);
	}

	private static @Nullable GentleStart normalPriority(String reason) {
		logger.info("Replacement workers start at normal priority (app.cluster.worker.gentle-start: " + reason + ")");
		return null;
	}

	/**
	 * A command that runs another at the gentle priority.
	 * @param command the command
	 * @return the command run through {@code nice}
	 */
	List<String> wrap(List<String> command) {
		return behindServingWorkers(command);
	}

	/**
	 * A command that runs another at the gentle priority where the system has
	 * {@code nice}, such as the class data archive's training run, which never returns to
	 * normal priority.
	 * @param command the command
	 * @return the command run through {@code nice}, or the command itself
	 */
	static List<String> behindServingWorkers(List<String> command) {
		if (!Files.isExecutable(NICE)) {
			return command;
		}
		List<String> niced = new ArrayList<>(List.of(NICE.toString(), "-n", String.valueOf(NICE_INCREMENT)));
		niced.addAll(command);
		return niced;
	}

	/**
	 * Raise the priority of every thread of a worker started gently by some nice values,
	 * not above the primary's.
	 * @param pid the worker's process
	 * @param description the worker, for the log
	 * @param niceValues by how many nice values
	 * @param why what it got at its current priority, for the log
	 * @return whether it may still run at a lower priority than the primary: also when
	 * the change failed, so that returning it to normal priority is tried again once it
	 * is ready
	 */
	boolean raisePriority(long pid, String description, int niceValues, String why) {
		try {
			int current = Niceness.of(pid);
			int raised = Math.max(this.nice, current - niceValues);
			Niceness.set(pid, raised);
			logger
				.info(description + " " + why + " at nice " + current + ": the cores are busy; now at nice " + raised);
			return raised > this.nice;
		}
		catch (IOException | RuntimeException | LinkageError ex) {
			// Such as a worker that just exited, or one whose JVM keeps starting threads.
			logger.warn(description + " may still run at a lower priority: cannot raise it by " + niceValues
					+ " nice values (" + ex.getMessage() + ")");
			return true;
		}
	}

	/**
	 * Return every thread of a worker started gently to the primary's nice value.
	 * @param pid the worker's process
	 * @param description the worker, for the log
	 * @return whether some of its threads may still run at another priority
	 */
	boolean normalPriority(long pid, String description) {
		return returnTo(this.nice, pid, description);
	}

	/**
	 * Return every thread of a worker started at another priority to the primary's.
	 * @param nice the primary's nice value
	 * @param pid the worker's process
	 * @param description the worker, for the log
	 * @return whether some of its threads may still run at another priority
	 */
	static boolean returnTo(int nice, long pid, String description) {
		try {
			int current = Niceness.of(pid);
			// Every thread, also when the main one is back already: a return that failed
			// half way is tried again.
			Niceness.set(pid, nice);
			if (current != nice) {
				logger.info(description + " runs at nice " + nice + " (was at nice " + current + " while it started)");
			}
			return false;
		}
		catch (IOException | RuntimeException | LinkageError ex) {
			// Such as a worker that just exited, or one whose JVM keeps starting threads.
			logger.warn(description + " may still run at another priority: cannot return it to nice " + nice + " ("
					+ ex.getMessage() + ")");
			return true;
		}
	}

}
