package dev.bootcluster.primary;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.ReloadState;

/**
 * What the primary counts since it started, for the cluster's own metrics: worker
 * processes that ended, by reason, and reloads, by outcome and duration. Only the
 * supervisor's thread touches it.
 */
final class ClusterCounters {

	private final Map<ExitReason, Long> ended = new EnumMap<>(ExitReason.class);

	private final Map<ReloadState, Long> reloads = new EnumMap<>(ReloadState.class);

	private long reloadNanos;

	ClusterCounters() {
		for (ExitReason reason : ExitReason.values()) {
			this.ended.put(reason, 0L);
		}
		for (ReloadState state : ReloadState.values()) {
			if (state != ReloadState.RUNNING) {
				this.reloads.put(state, 0L);
			}
		}
	}

	void ended(ExitReason reason) {
		this.ended.merge(reason, 1L, Long::sum);
	}

	void reloaded(ReloadState outcome, Duration duration) {
		this.reloads.merge(outcome, 1L, Long::sum);
		this.reloadNanos += duration.toNanos();
	}

	Map<ExitReason, Long> ended() {
		return this.ended;
	}

	Map<ReloadState, Long> reloads() {
		return this.reloads;
	}

	long reloadCount() {
		return this.reloads.values().stream().mapToLong(Long::longValue).sum();
	}

	Duration reloadTime() {
		return Duration.ofNanos(this.reloadNanos);
	}

}
