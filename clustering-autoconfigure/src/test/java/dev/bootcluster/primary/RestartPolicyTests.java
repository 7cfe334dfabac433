package dev.bootcluster.primary;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.ExitReason;

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
		assertThat(policy.onFailure(0, Duration.ofSeconds(1), null, ExitReason.CRASHED))
			.isEqualTo(Duration.ofSeconds(1));
		assertThat(policy.onFailure(SECOND, Duration.ofSeconds(1), null, ExitReason.CRASHED))
			.isEqualTo(Duration.ofSeconds(2));
		assertThat(policy.onFailure(2 * SECOND, Duration.ofSeconds(1), null, ExitReason.CRASHED))
			.isEqualTo(Duration.ofSeconds(4));
		assertThat(policy.onFailure(3 * SECOND, Duration.ofSeconds(1), null, ExitReason.CRASHED))
			.isEqualTo(Duration.ofSeconds(5));
		assertThat(policy.onFailure(4 * SECOND, Duration.ofSeconds(1), null, ExitReason.CRASHED))
			.isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void aWorkerThatRanStablyStartsOverFromTheInitialDelay() {
		RestartPolicy policy = new RestartPolicy(this.config);
		policy.onFailure(0, Duration.ofSeconds(1), null, ExitReason.CRASHED);
		policy.onFailure(SECOND, Duration.ofSeconds(1), null, ExitReason.CRASHED);
		assertThat(policy.onFailure(60 * SECOND, Duration.ofSeconds(45), null, ExitReason.CRASHED))
			.isEqualTo(Duration.ofSeconds(1));
		assertThat(policy.recentFailures()).isEqualTo(1);
	}

	@Test
	void aWorkerThatServedAndRanStablyIsRestartedAtOnceAndAFailureSoonAfterWaits() {
		RestartPolicy policy = new RestartPolicy(this.config);
		policy.onFailure(0, Duration.ofSeconds(1), null, ExitReason.CRASHED);
		policy.onFailure(SECOND, Duration.ofSeconds(1), null, ExitReason.CRASHED);
		assertThat(policy.onFailure(100 * SECOND, Duration.ofSeconds(45), Duration.ofSeconds(40), ExitReason.KILLED))
			.isZero();
		assertThat(policy.recentFailures()).isZero();
		// An exit of its own after serving for min-ready-time, too.
		assertThat(policy.onFailure(200 * SECOND, Duration.ofSeconds(45), Duration.ofSeconds(40), ExitReason.CRASHED))
			.isZero();
		// Its replacement fails soon after: the backoff starts from the initial delay.
		assertThat(policy.onFailure(201 * SECOND, Duration.ofSeconds(5), Duration.ofSeconds(2), ExitReason.KILLED))
			.isEqualTo(Duration.ofSeconds(1));
		assertThat(policy.onFailure(203 * SECOND, Duration.ofSeconds(5), Duration.ofSeconds(2), ExitReason.KILLED))
			.isEqualTo(Duration.ofSeconds(2));
		// Ran for stable-uptime but crashed soon after it became ready: it did not serve.
		assertThat(policy.onFailure(300 * SECOND, Duration.ofSeconds(40), Duration.ofSeconds(5), ExitReason.CRASHED))
			.isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void givesUpAfterMaxAttemptsWithinTheWindow() {
		this.config.setMaxAttempts(3);
		RestartPolicy policy = new RestartPolicy(this.config);
		assertThat(policy.onFailure(0, Duration.ZERO, null, ExitReason.CRASHED)).isNotNull();
		assertThat(policy.onFailure(10 * SECOND, Duration.ZERO, null, ExitReason.CRASHED)).isNotNull();
		assertThat(policy.onFailure(20 * SECOND, Duration.ZERO, null, ExitReason.CRASHED)).isNull();
		assertThat(policy.recentFailures()).isEqualTo(3);
	}

	@Test
	void aWorkerKilledAfterItBecameReadyIsRestartedWithBackoffButNeverStopsTheCluster() {
		this.config.setMaxAttempts(2);
		this.config.setMinReadyTime(Duration.ofSeconds(10));
		RestartPolicy policy = new RestartPolicy(this.config);
		for (int kill = 0; kill < 20; kill++) {
			// Killed from outside however soon after it became ready, or crashed after
			// serving for min-ready-time.
			assertThat(policy.onFailure(kill * SECOND, Duration.ofSeconds(5), Duration.ofSeconds(1), ExitReason.KILLED))
				.isNotNull();
			assertThat(
					policy.onFailure(kill * SECOND, Duration.ofSeconds(15), Duration.ofSeconds(12), ExitReason.CRASHED))
				.isNotNull();
		}
		assertThat(policy.recentFailures()).isZero();
		assertThat(policy.onFailure(41 * SECOND, Duration.ofSeconds(15), Duration.ofSeconds(12), ExitReason.TERMINATED))
			.isEqualTo(Duration.ofSeconds(5));
		// Crashing soon after it became ready counts, as failing to start does.
		assertThat(policy.onFailure(42 * SECOND, Duration.ofSeconds(9), Duration.ofSeconds(3), ExitReason.CRASHED))
			.isNotNull();
		assertThat(policy.onFailure(43 * SECOND, Duration.ofSeconds(1), null, ExitReason.KILLED)).isNull();
	}

	@Test
	void failuresOlderThanTheWindowNoLongerCount() {
		this.config.setMaxAttempts(3);
		this.config.setWindow(Duration.ofSeconds(60));
		RestartPolicy policy = new RestartPolicy(this.config);
		policy.onFailure(0, Duration.ZERO, null, ExitReason.CRASHED);
		policy.onFailure(10 * SECOND, Duration.ZERO, null, ExitReason.CRASHED);
		assertThat(policy.onFailure(65 * SECOND, Duration.ZERO, null, ExitReason.CRASHED)).isNotNull();
		assertThat(policy.recentFailures()).isEqualTo(2);
	}

}
