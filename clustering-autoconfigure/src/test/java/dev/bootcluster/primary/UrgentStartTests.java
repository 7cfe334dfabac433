package dev.bootcluster.primary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.bootcluster.os.Niceness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * An urgent restart on a real process: every thread raised above the primary's priority,
 * then returned to it. Skipped where this JVM may not lower a nice value below its own
 * (no {@code CAP_SYS_NICE} or {@code RLIMIT_NICE}); CI runs as root.
 */
class UrgentStartTests {

	@Test
	void aRestartedWorkerRunsAboveThePrimaryUntilReturnedToIt() throws Exception {
		UrgentStart urgent = UrgentStart.choose(true);
		assumeThat(urgent).as("this JVM may lower nice values below its own (CAP_SYS_NICE or RLIMIT_NICE)").isNotNull();
		int primary = Niceness.ofThisThread();
		// A JVM, with its compiler and GC threads besides the main one.
		Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), Idle.class.getName())
			.redirectErrorStream(true)
			.start();
		try {
			assertThat(child.getInputStream().read()).as("its first output").isEqualTo('.');
			urgent.raisePriority(child.pid(), "a JVM");
			assertThat(niceOfEveryThread(child.pid())).hasSizeGreaterThan(5)
				.containsOnly(primary - UrgentStart.NICE_DECREMENT);
			assertThat(urgent.normalPriority(child.pid(), "a JVM")).isFalse();
			assertThat(niceOfEveryThread(child.pid())).containsOnly(primary);
		}
		finally {
			child.destroyForcibly().waitFor();
		}
	}

	@Test
	void aRestartedWorkerThatIsGoneIsOnlyLogged() throws Exception {
		UrgentStart urgent = UrgentStart.choose(true);
		assumeThat(urgent).isNotNull();
		Process child = new ProcessBuilder("true").start();
		child.waitFor();
		// Its exit is the supervisor's to handle.
		assertThatNoException().isThrownBy(() -> urgent.raisePriority(child.pid(), "true"));
		assertThat(urgent.normalPriority(child.pid(), "true")).as("may still run at another priority").isTrue();
	}

	@Test
	void turnedOffThereAreNoUrgentRestarts() {
		assertThat(UrgentStart.choose(false)).isNull();
	}

	private static List<Integer> niceOfEveryThread(long pid) throws Exception {
		List<Integer> nice = new ArrayList<>();
		try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
			for (Path task : tasks.toList()) {
				// /proc/<tid> is the thread's own view.
				nice.add(Niceness.of(Long.parseLong(task.getFileName().toString())));
			}
		}
		return nice;
	}

	/**
	 * Says it runs, then waits until its standard input closes: the test kills it, or the
	 * test's JVM ends.
	 */
	public static final class Idle {

		public static void main(String[] args) throws IOException {
			System.out.print('.');
			System.out.flush();
			while (System.in.read() != -1) {
				// Nothing is written to it.
			}
		}

	}

}
