package dev.bootcluster.primary;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.bootcluster.config.ClusterProperties;

import static org.assertj.core.api.Assertions.assertThat;

class RestartPolicyTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	private final ClusterProperties.Restart config = new ClusterProperties.Restart();

	RestartPolicyTests() {
		this.config.setInitialBackoff(Duration.ofSeconds(1));
		this.config.setMultiplier(2);
		this.config.setMaxBackoff(Duration.ofSeconds(5));
		this.config.setStableUptime(Duration.ofSeconds(30));
		this.config.setMaxAttempts(10);
		this.config.setWindow(Duration.ofMinutes(5));
	}

	@Test
	void delaysGrowByTheMultiplierUpToTheMaximum() {
		RestartPolicy policy = new RestartPolicy(this.config);
		assertThat(policy.onFailure(0, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
		assertThat(policy.onFailure(SECOND, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(2));
		assertThat(policy.onFailure(2 * SECOND, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(4));
		assertThat(policy.onFailure(3 * SECOND, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(5));
		assertThat(policy.onFailure(4 * SECOND, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void aWorkerThatRanStablyStartsOverFromTheInitialDelay() {
		RestartPolicy policy = new RestartPolicy(this.config);
		policy.onFailure(0, Duration.ofSeconds(1));
		policy.onFailure(SECOND, Duration.ofSeconds(1));
		assertThat(policy.onFailure(60 * SECOND, Duration.ofSeconds(45))).isEqualTo(Duration.ofSeconds(1));
		assertThat(policy.recentFailures()).isEqualTo(1);
	}

	@Test
	void givesUpAfterMaxAttemptsWithinTheWindow() {
		this.config.setMaxAttempts(3);
		RestartPolicy policy = new RestartPolicy(this.config);
		assertThat(policy.onFailure(0, Duration.ZERO)).isNotNull();
		assertThat(policy.onFailure(10 * SECOND, Duration.ZERO)).isNotNull();
		assertThat(policy.onFailure(20 * SECOND, Duration.ZERO)).isNull();
		assertThat(policy.recentFailures()).isEqualTo(3);
	}

	@Test
	void failuresOlderThanTheWindowNoLongerCount() {
		this.config.setMaxAttempts(3);
		this.config.setWindow(Duration.ofSeconds(60));
		RestartPolicy policy = new RestartPolicy(this.config);
		policy.onFailure(0, Duration.ZERO);
		policy.onFailure(10 * SECOND, Duration.ZERO);
		assertThat(policy.onFailure(65 * SECOND, Duration.ZERO)).isNotNull();
		assertThat(policy.recentFailures()).isEqualTo(2);
	}

}
