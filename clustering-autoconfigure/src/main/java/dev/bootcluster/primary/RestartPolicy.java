package dev.bootcluster.primary;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.config.ClusterProperties;

/**
 * Decides, for one worker id, how long to wait before restarting it after a failure, and
 * when failures come so fast that the primary should give up (a crash loop).
 */
final class RestartPolicy {

	private final ClusterProperties.Restart config;

	private final Deque<Long> failureTimes = new ArrayDeque<>();

	private Duration nextDelay;

	RestartPolicy(ClusterProperties.Restart config) {
		this.config = config;
		this.nextDelay = config.getInitialBackoff();
	}

	/**
	 * Record a failure.
	 * @param nowNanos the time of the failure, from {@link System#nanoTime()}
	 * @param uptime how long the failed worker had run
	 * @return the delay before the restart, or {@code null} when the worker failed
	 * {@code max-attempts} times within the window and the primary should give up
	 */
	@Nullable Duration onFailure(long nowNanos, Duration uptime) {
		if (uptime.compareTo(this.config.getStableUptime()) >= 0) {
			// It ran stably: this is not a crash loop, start over.
			this.nextDelay = this.config.getInitialBackoff();
			this.failureTimes.clear();
		}
		this.failureTimes.addLast(nowNanos);
		long windowStart = nowNanos - this.config.getWindow().toNanos();
		while (this.failureTimes.peekFirst() - windowStart < 0) {
			this.failureTimes.removeFirst();
		}
		if (this.failureTimes.size() >= this.config.getMaxAttempts()) {
			return null;
		}
		Duration delay = this.nextDelay;
		double next = this.nextDelay.toNanos() * this.config.getMultiplier();
		long maxNanos = this.config.getMaxBackoff().toNanos();
		this.nextDelay = Duration.ofNanos((next >= maxNanos) ? maxNanos : (long) next);
		return delay;
	}

	/**
	 * The failures that count against the limit now.
	 * @return the number of failures within the window
	 */
	int recentFailures() {
		return this.failureTimes.size();
	}

}
