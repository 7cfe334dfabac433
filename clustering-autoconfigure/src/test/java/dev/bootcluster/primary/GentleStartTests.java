package dev.bootcluster.primary;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bootcluster.os.Niceness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Gentle start-up on a real process: started through {@code nice}, raised step by step,
 * returned to the primary's priority. Skipped where this JVM may not lower a nice value
 * again (no {@code CAP_SYS_NICE} or {@code RLIMIT_NICE}); CI runs as root.
 */
class GentleStartTests {

	@Test
	void aWorkerStartedGentlyIsRaisedByStepsNeverAboveThePrimaryAndReturnedToIt() throws Exception {
		GentleStart gentle = GentleStart.choose(true);
		assumeThat(gentle).as("this JVM may lower nice values again (CAP_SYS_NICE or RLIMIT_NICE)").isNotNull();
		int primary = Niceness.ofThisThread();
		Process child = new ProcessBuilder(gentle.wrap(List.of("sleep", "60"))).start();
		try {
			// Once nice has run the command: before that it is the JVM's fork.
			await().until(() -> Niceness.of(child.pid()) == primary + GentleStart.NICE_INCREMENT);
			assertThat(gentle.raisePriority(child.pid(), "sleep", 4, "had 0 ms of CPU")).isTrue();
			assertThat(Niceness.of(child.pid())).isEqualTo(primary + GentleStart.NICE_INCREMENT - 4);
			assertThat(gentle.raisePriority(child.pid(), "sleep", 4, "had 0 ms of CPU")).isTrue();
			assertThat(gentle.raisePriority(child.pid(), "sleep", 4, "had 0 ms of CPU")).isFalse();
			assertThat(Niceness.of(child.pid())).isEqualTo(primary);
			Niceness.set(child.pid(), primary + 3);
			assertThat(gentle.normalPriority(child.pid(), "sleep")).isFalse();
			assertThat(Niceness.of(child.pid())).isEqualTo(primary);
		}
		finally {
			child.destroyForcibly().waitFor();
		}
	}

	@Test
	void aWorkerThatCannotBeRaisedMayStillRunAtALowerPriority() throws Exception {
		GentleStart gentle = GentleStart.choose(true);
		assumeThat(gentle).isNotNull();
		Process child = new ProcessBuilder("true").start();
		child.waitFor();
		// So that returning it to normal priority is tried again once it is ready.
		assertThat(gentle.raisePriority(child.pid(), "true", 2, "had 0 ms of CPU")).isTrue();
	}

}
