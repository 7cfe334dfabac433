package dev.bootcluster.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.os.Niceness;

/**
 * Runs the C2 JIT compiler threads of each of the cluster's first workers ahead of its
 * other threads for a while after it takes traffic
 * ({@code app.cluster.worker.warmup.compiler-head-start}), and on while the compiler is
 * still busy, up to as long again, where the worker may lower a nice value.
 */
final class CompilerHeadStart {

	private static final Log logger = LogFactory.getLog(CompilerHeadStart.class);

	/** How many nice values the compiler threads run ahead of the rest. */
	static final int NICE_DECREMENT = 5;

	/**
	 * The start of the name of HotSpot's C2 compiler threads, as Linux keeps it (15
	 * characters).
	 */
	static final String C2_THREAD_NAME = "C2 CompilerThre";

	/** The same for its C1 compiler threads. */
	static final String C1_THREAD_NAME = "C1 CompilerThre";

	private CompilerHeadStart() {
	}

	/**
	 * Give the C2 compiler threads their head start on a thread of its own, which returns
	 * them to their nice value after it.
	 * @param duration how long at least; as long again at most, while the compiler is
	 * still busy; zero for none
	 */
	static void begin(Duration duration) {
		if (duration.isZero()) {
			return;
		}
		Thread thread = new Thread(() -> run(duration), "cluster-compiler-head-start");
		thread.setDaemon(true);
		thread.start();
	}

	private static void run(Duration duration) {
		Map<Integer, Integer> niceBefore = raise(C2_THREAD_NAME, Niceness::mayLowerTo);
		if (niceBefore == null) {
			return;
		}
		long start = System.nanoTime();
		boolean interrupted = false;
		try {
			Thread.sleep(duration.toMillis());
			Duration longestMore = duration;
			End end = awaitSettled(JitSettling.ofThisJvmInWallTime(), longestMore);
			logger.info("JIT compiler head start ends after " + (System.nanoTime() - start) / 1_000_000 + " ms: "
					+ end.description);
		}
		catch (InterruptedException ex) {
			interrupted = true;
		}
		finally {
			// Before the interrupt is set again: reading /proc would fail on it.
			restore(niceBefore);
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Wait, a batch at a time, until the JIT compiler settles or a limit is up.
	 * @param jit the compiler's settling, or {@code null} where it is not monitored
	 * @param longest the limit
	 * @return how the wait ended
	 * @throws InterruptedException if interrupted while waiting
	 */
	static End awaitSettled(@Nullable JitSettling jit, Duration longest) throws InterruptedException {
		if (jit == null) {
			return End.UNMONITORED;
		}
		long end = System.nanoTime() + longest.toNanos();
		while (!jit.roundEnded()) {
			long left = end - System.nanoTime();
			if (left <= 0) {
				return End.STILL_BUSY;
			}
			Thread.sleep(Math.max(1, Math.min(JitSettling.BATCH.toMillis(), left / 1_000_000)));
		}
		return End.SETTLED;
	}

	/**
	 * How a head start ended once its length was up.
	 */
	enum End {

		/** The compiler settled. */
		SETTLED("the compiler settled"),

		/** The compiler was still busy when as long again was up. */
		STILL_BUSY("the compiler still busy after twice the head start"),

		/** This JVM does not monitor its compiler's time, so the head start's length. */
		UNMONITORED("the compiler's time is not monitored here, so no longer than the head start");

		private final String description;

		End(String description) {
			this.description = description;
		}

	}

	/**
	 * Run the threads whose name starts with a prefix {@value #NICE_DECREMENT} nice
	 * values ahead of their own, where this process may lower a nice value.
	 * @param prefix the start of their name
	 * @param mayLowerTo whether this process may run a thread at a nice value
	 * ({@link Niceness#mayLowerTo(int)})
	 * @return the nice value each changed thread had, or {@code null} when none was
	 * changed
	 */
	static @Nullable Map<Integer, Integer> raise(String prefix, IntPredicate mayLowerTo) {
		Map<Integer, Integer> niceBefore = new LinkedHashMap<>();
		try {
			Map<Integer, Integer> threads = Niceness.ofThreadsNamed(prefix);
			if (threads.isEmpty()) {
				logger.info("JIT compiler head start skipped: no thread named " + prefix + "*");
				return null;
			}
			int lowest = threads.values().stream().mapToInt(CompilerHeadStart::ahead).min().getAsInt();
			if (!mayLowerTo.test(lowest)) {
				logger.info("JIT compiler head start skipped: running threads at nice " + lowest
						+ " needs CAP_SYS_NICE or RLIMIT_NICE");
				return null;
			}
			for (Map.Entry<Integer, Integer> thread : threads.entrySet()) {
				if (setIfAlive(thread.getKey(), ahead(thread.getValue()))) {
					niceBefore.put(thread.getKey(), thread.getValue());
				}
			}
		}
		catch (IOException | RuntimeException | LinkageError ex) {
			logger.info("JIT compiler head start skipped: " + ex.getMessage());
			restore(niceBefore);
			return null;
		}
		if (niceBefore.isEmpty()) {
			return null;
		}
		logger.info("JIT compiler threads " + niceBefore.keySet() + " at nice "
				+ ahead(niceBefore.values().iterator().next()) + " for a head start");
		return niceBefore;
	}

	/**
	 * Return the compiler threads to the nice value they had: those changed, and those
	 * the JVM started meanwhile (a compiler thread starts the JVM's new compiler threads,
	 * which inherit its nice value).
	 * @param niceBefore the nice value each changed thread had
	 */
	static void restore(Map<Integer, Integer> niceBefore) {
		if (niceBefore.isEmpty()) {
			return;
		}
		int base = niceBefore.values().stream().mapToInt(Integer::intValue).max().getAsInt();
		List<Integer> returned = new ArrayList<>();
		try {
			Map<Integer, Integer> compilers = new LinkedHashMap<>(Niceness.ofThreadsNamed(C2_THREAD_NAME));
			compilers.putAll(Niceness.ofThreadsNamed(C1_THREAD_NAME));
			compilers.forEach((tid, nice) -> {
				int before = niceBefore.getOrDefault(tid, base);
				if (nice < before && setIfAlive(tid, before)) {
					returned.add(tid);
				}
			});
		}
		catch (IOException | RuntimeException | LinkageError ex) {
			logger.warn("JIT compiler threads may still run ahead of the others: " + ex.getMessage());
		}
		logger.info("JIT compiler threads " + returned + " back at their nice value");
	}

	/**
	 * Set the nice value of a thread of this process unless it ended.
	 * @return whether it was set
	 */
	private static boolean setIfAlive(int tid, int nice) {
		try {
			Niceness.setThread(tid, nice);
			return true;
		}
		catch (IOException ex) {
			if (Files.exists(Path.of("/proc/self/task", String.valueOf(tid)))) {
				throw new IllegalStateException(ex.getMessage(), ex);
			}
			return false;
		}
	}

	private static int ahead(int nice) {
		return Math.max(-20, nice - NICE_DECREMENT);
	}

}
