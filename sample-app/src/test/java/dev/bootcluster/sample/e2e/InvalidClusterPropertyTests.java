package dev.bootcluster.sample.e2e;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bad {@code app.cluster.*} value stops the launch before any worker is forked, with
 * Spring Boot's report naming the property, the value, where it came from and what is
 * accepted.
 */
class InvalidClusterPropertyTests {

	@ParameterizedTest(name = "{0}=''{1}''")
	@CsvSource(delimiter = '|', quoteCharacter = '"',
			value = { "app.cluster.instances | 0 | 'max' (one worker per core), a whole number of at least 1",
					"app.cluster.instances | abc | 'max' (one worker per core), a whole number of at least 1",
					"app.cluster.instances | 1.5 | 'max' (one worker per core), a whole number of at least 1",
					"app.cluster.instances | \"\" | 'max' (one worker per core), a whole number of at least 1",
					"app.cluster.instances | max2 | 'max' (one worker per core), a whole number of at least 1",
					"app.cluster.startup-timeout | soon | a duration such as 500ms, 30s or 2m",
					"app.cluster.shutdown-timeout | 0s | a positive duration",
					"app.cluster.restart.max-attempts | 0 | a whole number of at least 1",
					"app.cluster.restart.max-attempts | many | a whole number",
					"app.cluster.restart.multiplier | 0.5 | a finite number of at least 1.0",
					"app.cluster.enabled | maybe | true or false",
					"app.cluster.instances | 99999 | 99999 workers are more than the",
					"app.cluster.max-instances | 1000 | a whole number from 1 to 256" })
	void isRejectedBeforeAnyWorkerStarts(String property, String value, String accepted) {
		String[] args = property.equals("app.cluster.instances") ? new String[] { "--" + property + "=" + value }
				: new String[] { "--app.cluster.instances=2", "--" + property + "=" + value };
		try (ClusterProcess cluster = ClusterProcess.start(args)) {
			assertThat(cluster.awaitExit(Duration.ofSeconds(30))).isNotZero();
			assertThat(cluster.output())
				.contains("APPLICATION FAILED TO START",
						"Invalid value '" + value + "' for configuration property '" + property + "'", accepted)
				.doesNotContain("starting 2 workers")
				.doesNotContain("worker 0");
			assertThat(cluster.workerProcesses()).isEmpty();
		}
	}

}
