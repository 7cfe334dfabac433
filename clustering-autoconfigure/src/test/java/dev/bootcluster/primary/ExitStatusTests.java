package dev.bootcluster.primary;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.bootcluster.ipc.ExitReason;

import static org.assertj.core.api.Assertions.assertThat;

class ExitStatusTests {

	@Test
	void signalsAreNamed() {
		assertThat(ExitStatus.describe(137)).isEqualTo("signal 9 (SIGKILL)");
		assertThat(ExitStatus.describe(143)).isEqualTo("signal 15 (SIGTERM)");
		assertThat(ExitStatus.describe(1)).isEqualTo("exit code 1");
	}

	@Test
	void unaskedExitsSayWhatHappened() {
		assertThat(ExitStatus.unaskedReason(143)).isEqualTo(ExitReason.TERMINATED);
		assertThat(ExitStatus.unaskedReason(137)).isEqualTo(ExitReason.KILLED);
		assertThat(ExitStatus.unaskedReason(1)).isEqualTo(ExitReason.CRASHED);
		assertThat(ExitStatus.unaskedReason(0)).isEqualTo(ExitReason.EXITED);
		assertThat(ExitStatus.record(137, ExitReason.KILLED)).satisfies((exit) -> {
			assertThat(exit.signal()).isEqualTo("SIGKILL");
			assertThat(exit.code()).isEqualTo(137);
		});
	}

	@Test
	void theExcerptIsSpringBootsFailureReportWhenThereIsOne() {
		List<String> tail = new ArrayList<>(List.of("INFO starting", "", "***************************",
				"APPLICATION FAILED TO START", "***************************", "", "Description:", "Port busy"));
		assertThat(ExitStatus.excerpt(tail)).startsWith("***************************", "APPLICATION FAILED TO START")
			.endsWith("Port busy");
	}

	@Test
	void theExcerptKeepsTheChainOfCausesWithoutStackFrames() {
		List<String> tail = new ArrayList<>(List.of("INFO fine", "2026 ERROR [worker-0] Application run failed",
				"java.lang.IllegalStateException: outer"));
		for (int i = 0; i < 100; i++) {
			tail.add("\tat com.example.Frame" + i + ".run(Frame.java:1)");
		}
		tail.add("Caused by: java.lang.IllegalArgumentException: the real reason");
		tail.add("\t... 12 more");
		assertThat(ExitStatus.excerpt(tail)).containsExactly("2026 ERROR [worker-0] Application run failed",
				"java.lang.IllegalStateException: outer",
				"Caused by: java.lang.IllegalArgumentException: the real reason");
	}

}
