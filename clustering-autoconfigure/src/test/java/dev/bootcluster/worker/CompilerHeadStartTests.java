package dev.bootcluster.worker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import dev.bootcluster.os.Niceness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The head start on this test's own JVM: its C2 compiler threads run ahead and return,
 * where this process may lower a nice value; when told it may not, nothing changes. It
 * goes on while the compiler is busy, up to a limit.
 */
class CompilerHeadStartTests {

	@Test
	void theCompilerThreadsRunAheadAndReturnWhereThisProcessMayLowerANiceValue() throws Exception {
		Map<Integer, Integer> before = compilerThreads();
		assumeTrue(Niceness.mayLowerTo(lowest(before) - CompilerHeadStart.NICE_DECREMENT),
				"this process may not lower a nice value (no CAP_SYS_NICE or RLIMIT_NICE)");
		int mine = Niceness.ofThisThread();
		Map<Integer, Integer> niceBefore = CompilerHeadStart.raise(CompilerHeadStart.C2_THREAD_NAME,
				Niceness::mayLowerTo);
		try {
			assertThat(niceBefore).isNotNull().isNotEmpty();
			Map<Integer, Integer> now = compilerThreads();
			niceBefore.forEach((tid, nice) -> assertThat(now.getOrDefault(tid, nice - CompilerHeadStart.NICE_DECREMENT))
				.isEqualTo(nice - CompilerHeadStart.NICE_DECREMENT));
			// Other threads keep their nice value.
			assertThat(Niceness.ofThisThread()).isEqualTo(mine);
		}
		finally {
			if (niceBefore != null) {
				CompilerHeadStart.restore(niceBefore);
			}
		}
		Map<Integer, Integer> after = compilerThreads();
		before.forEach((tid, nice) -> assertThat(after.getOrDefault(tid, nice)).isEqualTo(nice));
	}

	@Test
	void aCompilerThreadStartedDuringTheHeadStartReturnsWithTheOthers() throws Exception {
		Map<Integer, Integer> before = compilerThreads();
		int base = lowest(before);
		assumeTrue(Niceness.mayLowerTo(base - CompilerHeadStart.NICE_DECREMENT),
				"this process may not lower a nice value (no CAP_SYS_NICE or RLIMIT_NICE)");
		// A thread of that name started by a compiler thread at the head start's nice
		// value, as the JVM starts new compiler threads.
		CountDownLatch done = new CountDownLatch(1);
		Map<Integer, Integer> c1Before = Niceness.ofThreadsNamed(CompilerHeadStart.C1_THREAD_NAME);
		Thread late = new Thread(() -> awaitQuietly(done), "C1 CompilerThread99");
		late.start();
		try {
			int tid = await("the thread's name in /proc").atMost(Duration.ofSeconds(5))
				.until(() -> newThreads(CompilerHeadStart.C1_THREAD_NAME, c1Before), (tids) -> tids.size() == 1)
				.get(0);
			Niceness.setThread(tid, base - CompilerHeadStart.NICE_DECREMENT);
			Map<Integer, Integer> niceBefore = CompilerHeadStart.raise(CompilerHeadStart.C2_THREAD_NAME,
					Niceness::mayLowerTo);
			assertThat(niceBefore).isNotNull().doesNotContainKey(tid);
			CompilerHeadStart.restore(niceBefore);
			assertThat(Niceness.ofThreadsNamed(CompilerHeadStart.C1_THREAD_NAME)).containsEntry(tid, base);
		}
		finally {
			done.countDown();
			late.join();
		}
	}

	@Test
	void aHeadStartEndsOnItsOwnAfterItsDuration() throws Exception {
		Map<Integer, Integer> before = compilerThreads();
		boolean allowed = Niceness.mayLowerTo(lowest(before) - CompilerHeadStart.NICE_DECREMENT);
		CompilerHeadStart.begin(Duration.ofSeconds(1));
		if (allowed) {
			await("the head start").atMost(Duration.ofSeconds(5))
				.until(() -> compilerThreads().entrySet()
					.stream()
					.anyMatch((thread) -> thread.getValue() == before.get(thread.getKey())
							- CompilerHeadStart.NICE_DECREMENT));
		}
		await("the end of the head start").atMost(Duration.ofSeconds(10)).until(() -> {
			Map<Integer, Integer> now = compilerThreads();
			return before.entrySet()
				.stream()
				.allMatch((thread) -> now.getOrDefault(thread.getKey(), thread.getValue()).equals(thread.getValue()));
		});
	}

	@Test
	void aHeadStartGoesOnWhileTheCompilerIsBusyAndEndsOnceItSettles() throws Exception {
		// Compiling all the time for 600 ms, then not at all.
		long quietFrom = System.nanoTime() + Duration.ofMillis(600).toNanos();
		JitSettling compiler = new JitSettling(() -> Math.min(System.nanoTime(), quietFrom) / 1_000_000,
				System::nanoTime, System::nanoTime);
		long start = System.nanoTime();
		assertThat(CompilerHeadStart.awaitSettled(compiler, Duration.ofSeconds(30)))
			.isEqualTo(CompilerHeadStart.End.SETTLED);
		// Busy batches until 600 ms, then two quiet ones (the first may hold the last
		// few busy ms, below a tenth of a batch); a compiler quiet from the start would
		// settle after two batches, 500 ms.
		assertThat(Duration.ofNanos(System.nanoTime() - start))
			.isBetween(Duration.ofMillis(600).plus(JitSettling.BATCH), Duration.ofSeconds(10));
	}

	@Test
	void aHeadStartWhoseCompilerStaysBusyEndsAtItsLimit() throws Exception {
		// Compiling all the time.
		JitSettling busy = new JitSettling(() -> System.nanoTime() / 1_000_000, System::nanoTime, System::nanoTime);
		long start = System.nanoTime();
		assertThat(CompilerHeadStart.awaitSettled(busy, Duration.ofSeconds(1)))
			.isEqualTo(CompilerHeadStart.End.STILL_BUSY);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(1),
				Duration.ofSeconds(1).plus(JitSettling.BATCH).plusSeconds(2));
	}

	@Test
	void aCompilerWhoseTimeIsNotMonitoredIsNotWaitedFor() throws Exception {
		long start = System.nanoTime();
		assertThat(CompilerHeadStart.awaitSettled(null, Duration.ofMinutes(1)))
			.isEqualTo(CompilerHeadStart.End.UNMONITORED);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
	}

	@Test
	void withoutThePrivilegeNothingChanges() throws Exception {
		Map<Integer, Integer> before = compilerThreads();
		assertThat(CompilerHeadStart.raise(CompilerHeadStart.C2_THREAD_NAME, (nice) -> false)).isNull();
		Map<Integer, Integer> after = compilerThreads();
		before.forEach((tid, nice) -> assertThat(after.getOrDefault(tid, nice)).isEqualTo(nice));
	}

	@Test
	void noThreadOfThatNameChangesNothing() {
		assertThat(CompilerHeadStart.raise("no such thread", (nice) -> true)).isNull();
	}

	/** This JVM's C2 compiler threads; a JVM that compiles with C2 has at least one. */
	private static Map<Integer, Integer> compilerThreads() throws Exception {
		Map<Integer, Integer> threads = Niceness.ofThreadsNamed(CompilerHeadStart.C2_THREAD_NAME);
		assertThat(threads).as("C2 compiler threads of this JVM").isNotEmpty();
		return threads;
	}

	private static List<Integer> newThreads(String prefix, Map<Integer, Integer> before) throws Exception {
		return Niceness.ofThreadsNamed(prefix).keySet().stream().filter((tid) -> !before.containsKey(tid)).toList();
	}

	private static int lowest(Map<Integer, Integer> niceByThread) {
		return niceByThread.values().stream().mapToInt(Integer::intValue).min().getAsInt();
	}

	private static void awaitQuietly(CountDownLatch done) {
		try {
			done.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
