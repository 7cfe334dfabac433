package dev.bootcluster.primary;

import java.time.Duration;
import java.util.random.RandomGenerator;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.ExitReason;

/**
 * Decides from a ready worker's heartbeats when it should be replaced to keep the cluster
 * healthy: its resident memory went over {@code max-memory}, it served its
 * {@code max-requests} (plus jitter), or it is hung, with no heartbeat, or with every
 * request thread busy and none finishing a request, for {@code heartbeat-timeout}. Runs
 * on the supervisor's thread.
 */
final class WorkerHealth {

	private static final Log logger = LogFactory.getLog(WorkerHealth.class);

	private final ClusterProperties.Worker config;

	private final RandomGenerator random;

	WorkerHealth(ClusterProperties.Worker config, RandomGenerator random) {
		this.config = config;
		this.random = random;
	}

	/**
	 * Judge a ready worker by its latest heartbeat.
	 * @param run the worker, with the heartbeat recorded
	 * @param nowNanos the time, from {@link System#nanoTime()}
	 * @return why to replace it, or {@code null} to leave it alone
	 */
	@Nullable Verdict onHeartbeat(WorkerRun run, long nowNanos) {
		ClusterMessage.Heartbeat heartbeat = run.lastHeartbeat();
		Track track = run.track();
		Verdict hung = saturation(track, heartbeat, nowNanos);
		if (hung != null) {
			return hung;
		}
		Verdict memory = memory(run, track, heartbeat);
		if (memory != null) {
			return memory;
		}
		Long maxRequests = this.config.getMaxRequests();
		if (maxRequests != null) {
			if (track.requestLimit == 0) {
				track.requestLimit = maxRequests + this.random.nextLong(this.config.getMaxRequestsJitter() + 1);
			}
			if (heartbeat.requests() >= track.requestLimit) {
				return new Verdict(ExitReason.REQUESTS,
						"served " + heartbeat.requests() + " requests (max-requests " + track.requestLimit + ")");
			}
		}
		return null;
	}

	/**
	 * Judge a ready worker by how long it has been silent.
	 * @param run the worker
	 * @param nowNanos the time, from {@link System#nanoTime()}
	 * @return why to replace it, or {@code null} to leave it alone
	 */
	@Nullable Verdict onTick(WorkerRun run, long nowNanos) {
		Duration silent = Duration.ofNanos(nowNanos - run.lastHeardNanos());
		if (silent.compareTo(this.config.getHeartbeatTimeout()) >= 0) {
			return new Verdict(ExitReason.HEARTBEAT_TIMEOUT, "no heartbeat for " + LogFormat.seconds(silent));
		}
		return null;
	}

	private @Nullable Verdict saturation(Track track, ClusterMessage.Heartbeat heartbeat, long nowNanos) {
		boolean saturated = heartbeat.maxThreads() > 0 && heartbeat.busyThreads() >= heartbeat.maxThreads();
		if (!saturated || heartbeat.requests() != track.requests || track.progressNanos == 0) {
			track.progressNanos = nowNanos;
			track.requests = heartbeat.requests();
			return null;
		}
		Duration stuck = Duration.ofNanos(nowNanos - track.progressNanos);
		if (stuck.compareTo(this.config.getHeartbeatTimeout()) < 0) {
			return null;
		}
		return new Verdict(ExitReason.HEARTBEAT_TIMEOUT, "all " + heartbeat.maxThreads()
				+ " request threads busy and none finished a request for " + LogFormat.seconds(stuck));
	}

	private @Nullable Verdict memory(WorkerRun run, Track track, ClusterMessage.Heartbeat heartbeat) {
		if (this.config.getMaxMemory() == null || track.memoryExempt) {
			return null;
		}
		long limit = this.config.getMaxMemory().toBytes();
		boolean over = heartbeat.residentBytes() > limit;
		boolean first = !track.memoryJudged;
		track.memoryJudged = true;
		if (!over) {
			return null;
		}
		String what = "resident memory " + (heartbeat.residentBytes() >> 20) + " MB is over max-memory " + (limit >> 20)
				+ " MB";
		if (first) {
			// Replacing it would start one just as big: report it instead of looping.
			track.memoryExempt = true;
			logger.warn(run.describe() + " " + what + " right after it started; it is not replaced for memory: "
					+ "raise app.cluster.worker.max-memory above what a worker needs to start");
			return null;
		}
		return new Verdict(ExitReason.MEMORY, what);
	}

	/**
	 * Why to replace a worker.
	 *
	 * @param reason the reason, recorded as its exit reason
	 * @param why what was seen, for the log
	 */
	record Verdict(ExitReason reason, String why) {

	}

	/**
	 * What the judgement remembers of one worker process.
	 */
	static final class Track {

		long requestLimit;

		long requests;

		long progressNanos;

		boolean memoryJudged;

		boolean memoryExempt;

	}

}
