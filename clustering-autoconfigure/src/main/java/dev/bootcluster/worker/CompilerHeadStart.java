package dev.bootcluster.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntPredicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.os.Niceness;

/**
 * Lets one of the cluster's first workers compile ahead of its first clients
 * ({@code app.cluster.worker.warmup.compiler-head-start}). Right after a start each
 * worker compiles the whole request path to HotSpot's top tier for itself, on its own
 * core, where its one C2 compiler thread gets a time slice like each busy request thread:
 * under load it finishes its queue long after one JVM with every core would. For a while
 * after the worker takes traffic its C2 compiler threads run {@value #NICE_DECREMENT}
 * nice values ahead of the rest, then return. Only where the worker may lower a nice
 * value ({@code CAP_SYS_NICE} or {@code RLIMIT_NICE}); elsewhere the compiler keeps its
 * priority.
 */
final class CompilerHeadStart {

	private static final Log logger = LogFactory.getLog(CompilerHeadStart.class);

	/** How many nice values the compiler threads run ahead of the rest. */
	static final int NICE_DECREMENT = 5;

	/**
	 * The start of the name of HotSpot's C2 compiler threads, as Linux keeps it (15
	 * characters).
	 */
	static final String C2_THREADS = "C2 CompilerThre";

	private CompilerHeadStart() {
	}

	/**
	 * Give the C2 compiler threads their head start on a thread of its own, which returns
	 * them to their nice value after it.
	 * @param duration how long; zero for none
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
		Map<Integer, Integer> raised = raise(C2_THREADS, Niceness::mayLowerTo);
		if (raised == null) {
			return;
		}
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			restore(raised);
		}
	}

	/**
	 * Run the threads whose name starts with a prefix {@value #NICE_DECREMENT} nice
	 * values ahead of their own, where this process may return them.
	 * @param prefix the start of their name
	 * @param mayLowerTo whether this process may run a thread at a nice value
	 * ({@link Niceness#mayLowerTo(int)})
	 * @return the nice value each thread changed had before, or {@code null} when none
	 * was changed
	 */
	static @Nullable Map<Integer, Integer> raise(String prefix, IntPredicate mayLowerTo) {
		Map<Integer, Integer> raised = new LinkedHashMap<>();
		try {
			Map<Integer, Integer> before = Niceness.ofThreadsNamed(prefix);
			if (before.isEmpty()) {
				logger.info("JIT compiler head start skipped: no thread named " + prefix + "*");
				return null;
			}
			int lowest = before.values().stream().mapToInt(CompilerHeadStart::ahead).min().getAsInt();
			if (!mayLowerTo.test(lowest)) {
				logger.info("JIT compiler head start skipped: running threads at nice " + lowest
						+ " needs CAP_SYS_NICE or RLIMIT_NICE");
				return null;
			}
			for (Map.Entry<Integer, Integer> thread : before.entrySet()) {
				Niceness.setThread(thread.getKey(), ahead(thread.getValue()));
				raised.put(thread.getKey(), thread.getValue());
			}
			logger.info("JIT compiler threads " + before.keySet() + " at nice " + lowest + " for a head start");
			return raised;
		}
		catch (IOException | RuntimeException | LinkageError ex) {
			logger.info("JIT compiler head start skipped: " + ex.getMessage());
			restore(raised);
			return null;
		}
	}

	private static int ahead(int nice) {
		return Math.max(-20, nice - NICE_DECREMENT);
	}

	/**
	 * Return threads to the nice value they had.
	 * @param niceByThread the nice value by thread id
	 */
	static void restore(Map<Integer, Integer> niceByThread) {
		niceByThread.forEach((tid, nice) -> {
			try {
				Niceness.setThread(tid, nice);
			}
			catch (IOException | RuntimeException | LinkageError ex) {
				// Such as a compiler thread the JVM ended meanwhile.
				logger.debug("Thread " + tid + " not returned to nice " + nice + ": " + ex.getMessage());
			}
		});
		if (!niceByThread.isEmpty()) {
			logger.info("JIT compiler threads " + niceByThread.keySet() + " back at their nice value");
		}
	}

}
