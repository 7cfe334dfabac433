package dev.bootcluster.os;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ProcessStateTests {

	@Test
	void aProcessStoppedBySigstopIsStoppedUntilItContinues() throws Exception {
		Process sleeper = new ProcessBuilder("sleep", "60").start();
		try {
			long pid = sleeper.pid();
			assertThat(ProcessState.isStopped(pid)).isFalse();
			signal("STOP", pid);
			await().atMost(Duration.ofSeconds(5)).until(() -> ProcessState.isStopped(pid));
			signal("CONT", pid);
			await().atMost(Duration.ofSeconds(5)).until(() -> !ProcessState.isStopped(pid));
		}
		finally {
			sleeper.destroyForcibly().waitFor();
		}
		assertThat(ProcessState.isStopped(sleeper.pid())).isFalse();
	}

	private static void signal(String signal, long pid) throws Exception {
		assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor()).isZero();
	}

}
