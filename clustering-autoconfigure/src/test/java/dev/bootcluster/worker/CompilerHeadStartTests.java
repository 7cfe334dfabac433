package dev.bootcluster.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.bootcluster.os.Niceness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The head start on this test's own JVM: its C2 compiler threads run ahead and return,
 * where this process may lower a nice value; elsewhere, or when told it may not, nothing
 * changes.
 */
class CompilerHeadStartTests {

	@Test
	void theCompilerThreadsRunAheadAndReturnWhereThisProcessMayLowerANiceValue() throws Exception {
		Map<Integer, Integer> before = Niceness.ofThreadsNamed(CompilerHeadStart.C2_THREADS);
		assertThat(before).isNotEmpty();
		int lowest = before.values().stream().mapToInt(Integer::intValue).min().getAsInt();
		boolean allowed = Niceness.mayLowerTo(lowest - CompilerHeadStart.NICE_DECREMENT);
		int mine = Niceness.ofThisThread();
		Map<Integer, Integer> raised = CompilerHeadStart.raise(CompilerHeadStart.C2_THREADS, Niceness::mayLowerTo);
		try {
			if (allowed) {
				assertThat(raised).isEqualTo(before);
				before.forEach(
						(tid, nice) -> assertThat(niceNow(tid)).isEqualTo(nice - CompilerHeadStart.NICE_DECREMENT));
			}
			else {
				assertThat(raised).isNull();
			}
			// Other threads keep their nice value.
			assertThat(Niceness.ofThisThread()).isEqualTo(mine);
		}
		finally {
			if (raised != null) {
				CompilerHeadStart.restore(raised);
			}
		}
		assertThat(Niceness.ofThreadsNamed(CompilerHeadStart.C2_THREADS)).containsAllEntriesOf(before);
	}

	@Test
	void aHeadStartEndsOnItsOwnAfterItsDuration() throws Exception {
		Map<Integer, Integer> before = Niceness.ofThreadsNamed(CompilerHeadStart.C2_THREADS);
		int lowest = before.values().stream().mapToInt(Integer::intValue).min().getAsInt();
		CompilerHeadStart.begin(Duration.ofSeconds(1));
		if (Niceness.mayLowerTo(lowest - CompilerHeadStart.NICE_DECREMENT)) {
			await("the head start").atMost(Duration.ofSeconds(5))
				.until(() -> before.keySet()
					.stream()
					.allMatch((tid) -> niceNow(tid) == before.get(tid) - CompilerHeadStart.NICE_DECREMENT));
		}
		await("the end of the head start").atMost(Duration.ofSeconds(10))
			.until(() -> Niceness.ofThreadsNamed(CompilerHeadStart.C2_THREADS)
				.entrySet()
				.containsAll(before.entrySet()));
	}

	@Test
	void withoutThePrivilegeNothingChanges() throws Exception {
		Map<Integer, Integer> before = Niceness.ofThreadsNamed(CompilerHeadStart.C2_THREADS);
		assertThat(CompilerHeadStart.raise(CompilerHeadStart.C2_THREADS, (nice) -> false)).isNull();
		assertThat(Niceness.ofThreadsNamed(CompilerHeadStart.C2_THREADS)).isEqualTo(before);
	}

	@Test
	void noThreadOfThatNameChangesNothing() {
		assertThat(CompilerHeadStart.raise("no such thread", (nice) -> true)).isNull();
	}

	private static int niceNow(int tid) {
		try {
			return Niceness.ofThreadsNamed(CompilerHeadStart.C2_THREADS).get(tid);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
