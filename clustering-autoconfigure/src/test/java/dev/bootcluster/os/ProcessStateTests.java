package dev.bootcluster.os;

import java.io.BufferedReader;
import java.io.InputStreamReader;
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

	@Test
	void aZombieHasExitedThoughProcessHandleStillFindsIt() throws Exception {
		// The forked child exits at once; its parent never waits for it. (A shell is no
		// good parent here: dash reaps a finished background job when it gets the
		// chance.)
		Process parent = new ProcessBuilder("perl", "-e",
				"$| = 1; my $child = fork() // die; exit 0 unless $child; print \"$child\\n\"; sleep 30")
			.start();
		try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream()))) {
			long zombie = Long.parseLong(out.readLine().trim());
			await().atMost(Duration.ofSeconds(10)).until(() -> ProcessState.hasExited(zombie));
			assertThat(ProcessHandle.of(zombie)).isPresent();
			assertThat(ProcessState.hasExited(parent.pid())).isFalse();
		}
		finally {
			parent.destroyForcibly().waitFor();
		}
		assertThat(ProcessState.hasExited(parent.pid())).isTrue();
	}

	@Test
	void readsTheStateAfterACommandNameWithSpacesAndParentheses() {
		assertThat(ProcessState.stateOf("42 (a (b) c) Z 1 42")).isEqualTo('Z');
		assertThat(ProcessState.stateOf("42 (a (b) c) S 1 42")).isEqualTo('S');
		assertThat(ProcessState.stateOf("42 (a")).isNull();
	}

	private static void signal(String signal, long pid) throws Exception {
		assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor()).isZero();
	}

}
