package dev.bootcluster.primary;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A started worker JVM as the supervisor sees it; the seam that lets the supervisor's
 * decisions be tested without forking.
 */
interface WorkerHandle {

	long pid();

	/**
	 * Completes with the exit code when the process has ended; a process killed by signal
	 * S reports 128 + S.
	 * @return the exit code future
	 */
	CompletableFuture<Integer> onExit();

	/**
	 * The CPU time the process has used so far.
	 * @return user and system time, or empty where the system does not say
	 */
	default Optional<Duration> cpuTime() {
		return Optional.empty();
	}

	/** Ask for a graceful stop (SIGTERM). */
	void stop();

	/** Kill at once (SIGKILL). */
	void kill();

	/**
	 * Have the JVM print every thread's stack to its output (SIGQUIT), which reaches the
	 * primary's output.
	 */
	void threadDump();

	/**
	 * The last lines the worker wrote to stdout and stderr.
	 * @return the lines, oldest first
	 */
	List<String> outputTail();

}
