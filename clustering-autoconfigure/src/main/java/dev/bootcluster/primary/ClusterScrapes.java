package dev.bootcluster.primary;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.MetricsFormat;

/**
 * One Prometheus scrape of the whole cluster: asks every live worker for its metrics,
 * waits at most {@code app.cluster.metrics.scrape-timeout} for them, and answers the
 * worker that asked with every answer merged ({@link MetricsMerge}) and the primary's own
 * families ({@link ClusterMeters}). A worker that does not answer in time is left out and
 * counted in {@code cluster_scrape_missing}: one frozen worker never fails or hangs the
 * scrape. Runs on the supervisor's thread.
 */
final class ClusterScrapes {

	private final SupervisorLoop loop;

	private final Supervisor.Replier replier;

	private final Duration timeout;

	private final Supplier<Meters> meters;

	private final Map<Long, Scrape> pending = new HashMap<>();

	private long scrapes;

	ClusterScrapes(SupervisorLoop loop, Supervisor.Replier replier, Duration timeout, Supplier<Meters> meters) {
		this.loop = loop;
		this.replier = replier;
		this.timeout = timeout;
		this.meters = meters;
	}

	/**
	 * Start a scrape. A silent worker (stopped, or missing heartbeats) is not asked: it
	 * counts as missing at once.
	 * @param requester the worker that asked, which gets the answer
	 * @param request its request
	 * @param workers the process of each worker id
	 */
	void start(long requester, ClusterMessage.MetricsRequest request, List<WorkerRun> workers) {
		long id = ++this.scrapes;
		MetricsFormat format = (request.format() != null) ? request.format() : MetricsFormat.TEXT;
		List<WorkerRun> targets = workers.stream().filter((run) -> run.pid() == requester || !run.isSilent()).toList();
		Scrape scrape = new Scrape(requester, request.id(), format, workers, targets);
		this.pending.put(id, scrape);
		for (WorkerRun target : targets) {
			this.replier.send(target.pid(), new ClusterMessage.ScrapeRequest(id, format));
		}
		if (targets.isEmpty()) {
			finish(id);
		}
		else {
			this.loop.schedule(() -> finish(id), this.timeout);
		}
	}

	/**
	 * A worker's answer.
	 * @param from the worker
	 * @param reply its metrics
	 */
	void reply(WorkerRun from, ClusterMessage.ScrapeReply reply) {
		Scrape scrape = this.pending.get(reply.scrape());
		if (scrape != null && scrape.targets.contains(from) && reply.exposition() != null) {
			scrape.answers.put(from, reply.exposition());
			if (scrape.answers.size() == scrape.targets.size()) {
				finish(reply.scrape());
			}
		}
	}

	private void finish(long id) {
		Scrape scrape = this.pending.remove(id);
		if (scrape == null) {
			return;
		}
		MetricsMerge merge = new MetricsMerge(scrape.format);
		scrape.answers.entrySet()
			.stream()
			.sorted(Comparator.comparingInt((answer) -> answer.getKey().workerId()))
			.forEach((answer) -> merge.add(answer.getKey().workerId(), answer.getValue()));
		Meters meters = this.meters.get();
		merge.addOwn(new ClusterMeters(scrape.format).write(meters.runs(), scrape.workers, meters.counters(),
				scrape.workers.size() - scrape.answers.size(),
				Duration.ofNanos(System.nanoTime() - scrape.startNanos)));
		this.replier.send(scrape.requester, new ClusterMessage.MetricsReply(scrape.requestId, merge.exposition()));
	}

	/**
	 * What the primary's own families are written from.
	 *
	 * @param runs every worker process the primary tracks
	 * @param counters what it counted since it started
	 */
	record Meters(List<WorkerRun> runs, ClusterCounters counters) {

	}

	private static final class Scrape {

		final long requester;

		final long requestId;

		final MetricsFormat format;

		final List<WorkerRun> workers;

		final List<WorkerRun> targets;

		final Map<WorkerRun, String> answers = new LinkedHashMap<>();

		final long startNanos = System.nanoTime();

		Scrape(long requester, long requestId, MetricsFormat format, List<WorkerRun> workers, List<WorkerRun> targets) {
			this.requester = requester;
			this.requestId = requestId;
			this.format = format;
			this.workers = List.copyOf(workers);
			this.targets = List.copyOf(targets);
		}

	}

}
