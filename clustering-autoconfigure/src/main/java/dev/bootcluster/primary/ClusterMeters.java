package dev.bootcluster.primary;

import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.MetricsFormat;
import dev.bootcluster.ipc.WorkerState;

/**
 * The primary's own metric families in a cluster scrape, from its view of the cluster:
 * workers by state, worker processes that ended by reason, reloads by outcome and their
 * duration, and each worker's uptime, resident memory and requests served, in the
 * exposition format of the scrape. Written directly: the primary keeps no metrics
 * registry.
 */
final class ClusterMeters {

	private final MetricsFormat format;

	private final StringBuilder out = new StringBuilder();

	ClusterMeters(MetricsFormat format) {
		this.format = format;
	}

	/**
	 * Write every family.
	 * @param runs the worker processes the primary tracks
	 * @param current the process of each worker id, for the per-worker families
	 * @param counters what it counted since it started
	 * @param missing the workers that did not answer this scrape in time
	 * @param scrape how long this scrape took
	 * @return the families
	 */
	String write(Collection<WorkerRun> runs, Collection<WorkerRun> current, ClusterCounters counters, int missing,
			Duration scrape) {
		Map<WorkerState, Long> states = new EnumMap<>(WorkerState.class);
		for (WorkerState state : WorkerState.values()) {
			states.put(state, 0L);
		}
		runs.forEach((run) -> states.merge(run.state(), 1L, Long::sum));
		gauge("cluster_workers", "Worker processes by state.");
		states.forEach((state, count) -> sample("cluster_workers", "state", state.value(), count));
		counter("cluster_restarts", "Worker processes that ended and were restarted or replaced, by reason.");
		counters.ended().forEach((reason, count) -> {
			if (reason != ExitReason.SHUTDOWN) {
				sample("cluster_restarts_total", "reason", reason.value(), count);
			}
		});
		counter("cluster_reloads", "Rolling reloads that ended, by outcome.");
		counters.reloads()
			.forEach((outcome, count) -> sample("cluster_reloads_total", "outcome", outcome.value(), count));
		meta("cluster_reload_duration_seconds", "summary", "Duration of the rolling reloads that ended.");
		this.out.append("cluster_reload_duration_seconds_count ").append(counters.reloadCount()).append('\n');
		this.out.append("cluster_reload_duration_seconds_sum ").append(seconds(counters.reloadTime())).append('\n');
		gauge("cluster_worker_uptime_seconds", "How long each worker process has run.");
		current
			.forEach((run) -> sample("cluster_worker_uptime_seconds", "worker", run.workerId(), seconds(run.uptime())));
		gauge("cluster_worker_resident_bytes", "Resident memory of each worker process, from its last heartbeat.");
		current.forEach((run) -> sample("cluster_worker_resident_bytes", "worker", run.workerId(),
				run.lastHeartbeat().residentBytes()));
		counter("cluster_worker_requests", "Requests each worker process served, from its last heartbeat.");
		current.forEach((run) -> sample("cluster_worker_requests_total", "worker", run.workerId(),
				run.lastHeartbeat().requests()));
		gauge("cluster_scrape_missing", "Workers that did not answer this scrape in time and are left out.");
		this.out.append("cluster_scrape_missing ").append(missing).append('\n');
		gauge("cluster_scrape_duration_seconds", "How long the primary took to gather this scrape.");
		this.out.append("cluster_scrape_duration_seconds ").append(seconds(scrape)).append('\n');
		return this.out.toString();
	}

	private void gauge(String name, String help) {
		meta(name, "gauge", help);
	}

	/**
	 * A counter's meta lines: OpenMetrics names the family without {@code _total}, the
	 * text format with it.
	 */
	private void counter(String name, String help) {
		meta((this.format == MetricsFormat.OPENMETRICS) ? name : name + "_total", "counter", help);
	}

	private void meta(String name, String type, String help) {
		this.out.append("# HELP ").append(name).append(' ').append(help).append('\n');
		this.out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
	}

	private void sample(String name, String label, Object value, Object number) {
		this.out.append(name)
			.append('{')
			.append(label)
			.append("=\"")
			.append(value)
			.append("\"} ")
			.append(number)
			.append('\n');
	}

	private static String seconds(Duration duration) {
		return String.valueOf(duration.toNanos() / 1e9);
	}

}
