package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Workers replaced before they fail (memory, requests), replacement first so that no
 * request fails, and the sample's single-worker job, on one cluster of two workers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SelfHealingClusterTests {

	private static final Duration REPLACED = Duration.ofSeconds(90);

	private static final Pattern TICK = Pattern.compile("Tick on worker (\\d+)");

	private static final Pattern RECYCLED = Pattern
		.compile("worker (\\d) \\(pid \\d+\\) served (\\d+) requests \\(max-requests (\\d+)\\); replacing it");

	private ClusterProcess cluster;

	@BeforeAll
	void startCluster() {
		this.cluster = ClusterProcess.start("--app.cluster.instances=2", "--app.cluster.worker.jvm-args=-Xmx512m",
				"--app.cluster.worker.max-memory=400MB", "--app.cluster.worker.max-requests=3000",
				"--app.cluster.worker.max-requests-jitter=1000", "--logging.level.dev.bootcluster.sample.Ticker=debug")
			.awaitReady();
	}

	@AfterAll
	void stopCluster() {
		this.cluster.close();
	}

	@Test
	@Order(1)
	void theSingleWorkerJobTicksOncePerSecondOnOneWorker() {
		int before = ticks().size();
		long start = System.nanoTime();
		await("six ticks").atMost(Duration.ofSeconds(30)).until(() -> ticks().size() >= before + 6);
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		List<Integer> ticks = ticks().subList(before, before + 6);
		assertThat(new HashSet<>(ticks)).as("workers that ticked").hasSize(1);
		// Two workers ticking would take 2.5 s for six ticks.
		assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(4500));
	}

	@Test
	@Order(2)
	void aWorkerOverMaxMemoryIsReplacedWithoutAFailedRequest() throws Exception {
		String status = status();
		for (Matcher resident = Pattern.compile("\"residentBytes\":(\\d+)").matcher(status); resident.find();) {
			assertThat(Long.parseLong(resident.group(1))).as("a worker's resident memory before the leak")
				.isLessThan(400L << 20);
		}
		try (LoadGenerator load = new LoadGenerator(this.cluster.port(), "/api/whoami", 4, 100_000,
				Duration.ofSeconds(120), Duration.ofMillis(20))) {
			await().atMost(Duration.ofSeconds(10)).until(() -> load.succeeded() > 100);
			Http.Response leak = Http.post(this.cluster.port(), "/api/leak?mb=256", "");
			assertThat(leak.status()).as(leak.body()).isEqualTo(200);
			long leaking = Long.parseLong(leak.body().replaceAll("(?s).*\"pid\":(\\d+).*", "$1"));
			await("the leaking worker replaced").atMost(REPLACED)
				.until(() -> ProcessHandle.of(leaking).map(ClusterProcess::hasExited).orElse(true));
			await().atMost(REPLACED).until(() -> status().contains("\"readyInstances\":2"));
			int after = load.succeeded();
			await().atMost(Duration.ofSeconds(10)).until(() -> load.succeeded() > after + 100);
			assertThat(load.stop().failures()).isEmpty();
			assertThat(this.cluster.output()).containsPattern(
					"\\(pid " + leaking + "\\) resident memory \\d+ MB is over max-memory 400 MB; replacing it");
		}
		assertThat(status()).contains("\"reason\":\"memory\"");
	}

	@Test
	@Order(3)
	void workersThatServedTheirMaxRequestsAreReplacedOneAtATimeWithoutAFailedRequest() throws Exception {
		try (LoadGenerator load = new LoadGenerator(this.cluster.port(), "/api/whoami", 4, 40_000,
				Duration.ofSeconds(120))) {
			await("both workers past their max-requests").atMost(REPLACED)
				.until(() -> recycled().stream().map((worker) -> worker[0]).distinct().count() == 2);
			load.stop();
			assertThat(load.failures()).isEmpty();
		}
		await().atMost(REPLACED)
			.until(() -> this.cluster.output().split("replaced \\(requests\\)", -1).length - 1 >= 2
					&& status().contains("\"readyInstances\":2"));
		List<String[]> recycled = recycled();
		assertThat(recycled.stream().map((worker) -> worker[0])).contains("0", "1");
		// Each process drew its own limit from max-requests plus up to the jitter.
		assertThat(recycled).allSatisfy((worker) -> assertThat(Integer.parseInt(worker[2])).isBetween(3000, 4000));
		assertThat(status()).contains("\"reason\":\"requests\"");
	}

	@Test
	@Order(4)
	void theSingleWorkerJobMovesToTheOtherWorkerWhenItsWorkerIsKilledWhoseRestartRunsUrgentlyUntilReady()
			throws Exception {
		await().atMost(Duration.ofSeconds(30)).until(() -> !ticks().isEmpty());
		int ticking = ticks().get(ticks().size() - 1);
		long pid = this.cluster.readyPid(ticking);
		int before = ticks().size();
		this.cluster.signal(pid, "KILL");
		await("a tick on the other worker").atMost(Duration.ofSeconds(20))
			.until(() -> ticks().subList(before, ticks().size()).contains(1 - ticking));
		// Never both at once: the ticks after the kill come from the other worker only,
		// until its turn ends.
		List<Integer> after = ticks().subList(before, ticks().size());
		assertThat(after.subList(after.indexOf(1 - ticking), after.size())).containsOnly(1 - ticking);
		// It had served: its restart starts above the serving worker's priority, and
		// every thread returns to the primary's once ready.
		await("its restart").atMost(ClusterProcess.STARTUP)
			.until(() -> readyPidOrZero(ticking) != 0 && readyPidOrZero(ticking) != pid);
		long restarted = this.cluster.readyPid(ticking);
		int primary = ClusterProcess.niceOf(Path.of("/proc", String.valueOf(this.cluster.pid()), "stat")).orElseThrow();
		String worker = "worker " + ticking + " (pid " + restarted + ")";
		if (this.cluster.output().contains("restarts of workers that served start at nice -5 until ready")) {
			String returned = worker + " runs at nice " + primary + " (was at nice " + (primary - 5)
					+ " while it started)";
			await().atMost(Duration.ofSeconds(5)).until(() -> this.cluster.output().contains(returned));
			assertThat(this.cluster.output()).contains(worker
					+ " restores the capacity of a worker that served: runs at nice " + (primary - 5) + " until ready");
			assertThat(ClusterProcess.niceOfEveryThread(restarted)).containsOnly(primary);
		}
		else {
			assertThat(this.cluster.output()).contains("Restarted workers start at normal priority");
		}
	}

	private long readyPidOrZero(int workerId) {
		try {
			return this.cluster.readyPid(workerId);
		}
		catch (IOException | AssertionError ex) {
			return 0;
		}
	}

	private List<Integer> ticks() {
		List<Integer> ticks = new ArrayList<>();
		Matcher tick = TICK.matcher(this.cluster.output());
		while (tick.find()) {
			ticks.add(Integer.valueOf(tick.group(1)));
		}
		return ticks;
	}

	private List<String[]> recycled() {
		List<String[]> recycled = new ArrayList<>();
		Matcher line = RECYCLED.matcher(this.cluster.output());
		while (line.find()) {
			recycled.add(new String[] { line.group(1), line.group(2), line.group(3) });
		}
		return recycled;
	}

	private String status() throws Exception {
		return Http.get(this.cluster.managementPort(), "/actuator/cluster").body();
	}

}
