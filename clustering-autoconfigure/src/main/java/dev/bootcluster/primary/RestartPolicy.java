package dev.bootcluster.primary;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.ExitReason;

/**
 * Decides, for one worker id, how long to wait before restarting it after a failure, and
 * when failures come so fast that the primary should give up (a crash loop). Only a
 * worker that cannot run counts toward the crash loop: one that failed before it became
 * ready, or that crashed (exited by itself) within {@code min-ready-time} of it. A worker
 * that was ready and was killed from outside (SIGKILL, the kernel's OOM killer, a SIGTERM
 * from another process) is restarted with backoff, and never stops the cluster by itself.
 * A worker that served and had run for {@code stable-uptime} is restarted at once: only a
 * failure soon after that waits for the backoff.
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
	 * @param readyFor how long it had been ready, or {@code null} if it never was
	 * @param reason how it ended
	 * @return the delay before the restart (zero for a worker that served and ran for
	 * {@code stable-uptime}), or {@code null} when the worker failed to run
	 * {@code max-attempts} times within the window and the primary should give up
	 */
	@Nullable Duration onFailure(long nowNanos, Duration uptime, @Nullable Duration readyFor, ExitReason reason) {
		boolean ranStably = uptime.compareTo(this.config.getStableUptime()) >= 0;
		if (ranStably) {
			// This is not a crash loop: start over.
			this.nextDelay = this.config.getInitialBackoff();
			this.failureTimes.clear();
		}
		long windowStart = nowNanos - this.config.getWindow().toNanos();
		while (!this.failureTimes.isEmpty() && this.failureTimes.peekFirst() - windowStart < 0) {
			this.failureTimes.removeFirst();
		}
		if (!servedBeforeFailing(readyFor, reason)) {
			this.failureTimes.addLast(nowNanos);
			if (this.failureTimes.size() >= this.config.getMaxAttempts()) {
				return null;
			}
		}
		if (ranStably && servedBeforeFailing(readyFor, reason)) {
			// Its clients wait for the capacity it had; the next failure, if it comes
			// soon, waits for the initial backoff.
			return Duration.ZERO;
		}
		Duration delay = this.nextDelay;
		double next = this.nextDelay.toNanos() * this.config.getMultiplier();
		long maxNanos = this.config.getMaxBackoff().toNanos();
		this.nextDelay = Duration.ofNanos((next >= maxNanos) ? maxNanos : (long) next);
		return delay;
	}

	/**
	 * Whether a failure came once the worker served, and so does not count toward the
	 * crash loop: it was killed from outside after it became ready, or it crashed after
	 * serving for {@code min-ready-time}.
	 * @param readyFor how long the worker had been ready, or {@code null} if it never was
	 * @param reason how it ended
	 * @return {@code true} when it does not count
	 */
	boolean servedBeforeFailing(@Nullable Duration readyFor, ExitReason reason) {
		if (readyFor == null) {
			return false;
		}
		boolean fromOutside = reason == ExitReason.KILLED || reason == ExitReason.TERMINATED
				|| reason == ExitReason.HEARTBEAT_TIMEOUT;
		return fromOutside || readyFor.compareTo(this.config.getMinReadyTime()) >= 0;
	}

	/**
	 * The failures that count against the limit now.
	 * @return the number of failures within the window
	 */
	int recentFailures() {
		return this.failureTimes.size();
	}

}
