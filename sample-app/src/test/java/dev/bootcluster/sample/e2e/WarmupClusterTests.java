package dev.bootcluster.sample.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A new worker takes no connection from the shared port before it is ready and has served
 * its warm-up requests to itself; one that replaces a serving worker, or one of the
 * cluster's first, goes on until its JIT compiler settles. One of the first also gives
 * its JIT compiler a head start once it takes traffic.
 */
class WarmupClusterTests {

	private static final Pattern EXTENDED_WARMUP = Pattern
		.compile("Warmed up with \\[[^]]*] in (\\d+) ms: \\{200=(\\d+)}; (\\d+) more rounds,? ([^;\\n]*)"
				+ "; management server: GET /actuator/health/ping \\{200=(\\d+)}");

	/** More rounds, the last request of which may be cut by the timeout. */
	private static final Pattern MORE_ROUNDS = Pattern
		.compile("Warmed up with \\[[^]]*] in (\\d+) ms: \\{200=\\d+(, timed out=1)?}; (\\d+) more rounds");

	private static final Predicate<String> C2_THREAD = (name) -> name.startsWith("C2 CompilerThre");

	private static final Pattern FIRST_READY = Pattern.compile("worker 0 \\(pid (\\d+)\\) ready in (\\d+\\.\\d) s");

	private static final Pattern HEAD_START_END = Pattern
		.compile("JIT compiler head start ends after (\\d+) ms: (the compiler settled|the compiler still busy)");

	@Test
	void aWorkerServesNoClientBeforeItHasWarmedUp() throws Exception {
		try (ClusterProcess cluster = ClusterProcess.start("--app.cluster.instances=1",
				"--app.cluster.worker.warmup.paths=/api/slow?ms=3000,/api/whoami",
				"--app.cluster.worker.warmup.requests=1")) {
			// The worker's web server listens from here on; its warm-up takes 3 s more.
			cluster.awaitOutput("starting 1 workers on port").awaitOutput("Tomcat started on port " + cluster.port());
			Http.Response response = Http.get(cluster.port(), "/api/whoami");
			String output = cluster.output();
			assertThat(response.status()).isEqualTo(200);
			assertThat(output).contains("Warmed up with [/api/slow?ms=3000, /api/whoami] in", ": {200=2}");
			String ready = cluster.awaitReady().output();
			assertThat(ready.indexOf("Warmed up with")).isLessThan(ready.indexOf(") ready in"));
			// Its request metrics count the one client request, not the warm-up.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> Scrape.of(cluster.managementPort())
					.sum("http_server_requests_seconds_count{worker=\"0\",error=\"none\",exception=\"none\",method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/api/whoami\"}") == 1);
			Scrape scrape = Scrape.of(cluster.managementPort());
			assertThat(scrape.sum("http_server_requests_seconds_count{")).isEqualTo(1);
			assertThat(scrape.value("cluster_worker_requests_total{worker=\"0\"}")).isLessThanOrEqualTo(1);
		}
	}

	@Test
	void aReplacementOfAServingWorkerWarmsUpUntilItsJitCompilerSettles() throws Exception {
		try (ClusterProcess cluster = ClusterProcess.start("--app.cluster.instances=1",
				"--app.cluster.worker.warmup.paths=/api/primes?limit=1000,/api/data",
				"--app.cluster.worker.warmup.requests=1", "--app.cluster.worker.warmup.timeout=30s",
				"--app.cluster.worker.warmup.first-workers-until-compiled=false")) {
			// Told not to, the first worker takes traffic after its requests.
			String first = cluster.awaitReady().output();
			assertThat(first)
				.contains("Warmed up with [/api/primes?limit=1000, /api/data] in",
						": {200=2}; management server: GET /actuator/health/ping {200=1}\n")
				.doesNotContain("more rounds");
			assertThat(Http.postWithoutBody(cluster.managementPort(), "/actuator/cluster/reload").status())
				.isEqualTo(202);
			String replaced = cluster.awaitOutput("worker 0 replaced").output();
			Matcher warmup = EXTENDED_WARMUP.matcher(replaced);
			assertThat(warmup.find()).as(replaced).isTrue();
			int requests = Integer.parseInt(warmup.group(2));
			int rounds = Integer.parseInt(warmup.group(3));
			// Two requests in the first round, then two in each round more (the last one
			// may be cut by the timeout), within the warm-up's time.
			assertThat(rounds).isPositive();
			assertThat(requests).isBetween(2 + 2 * rounds, 2 + 2 * rounds + 1);
			assertThat(warmup.group(4)).isIn("until the JIT compiler settled",
					"the JIT compiler still busy when the time was up");
			assertThat(Long.parseLong(warmup.group(1))).isLessThan(Duration.ofSeconds(31).toMillis());
			// The first round and every tenth also asked its management server, which
			// runs the same server code with other types, before that code was compiled.
			int managementRequests = Integer.parseInt(warmup.group(5));
			assertThat(managementRequests).isBetween(rounds / 10, 1 + rounds / 10);
			assertThat(replaced.indexOf(warmup.group())).isLessThan(replaced.indexOf("(replacement) ready in"));
		}
	}

	@Test
	void theFirstWorkersWarmUpUntilCompiledBeforeTheClusterIsReadyButARestartTakesTrafficAfterItsRequests()
			throws Exception {
		// The management server under a base path of its own, which the warm-up honours.
		try (ClusterProcess cluster = ClusterProcess.start("--app.cluster.instances=1",
				"--app.cluster.worker.warmup.paths=/api/primes?limit=1000,/api/data",
				"--app.cluster.worker.warmup.requests=1", "--app.cluster.worker.warmup.timeout=5s",
				"--app.cluster.worker.warmup.first-workers-until-compiled=true",
				"--management.server.base-path=/admin")) {
			String first = cluster.awaitReady().awaitOutput("Warmed up with").output();
			Matcher warmup = MORE_ROUNDS.matcher(first);
			assertThat(warmup.find()).as(first).isTrue();
			assertThat(Integer.parseInt(warmup.group(3))).isPositive();
			long warmupMillis = Long.parseLong(warmup.group(1));
			assertThat(warmupMillis).isLessThan(Duration.ofSeconds(10).toMillis());
			// The primary counted it ready after its warm-up (the two logs interleave in
			// any order).
			Matcher ready = FIRST_READY.matcher(first);
			assertThat(ready.find()).as(first).isTrue();
			assertThat(Double.parseDouble(ready.group(2)) * 1000).isGreaterThanOrEqualTo(warmupMillis - 100);
			// Its restart restores capacity that clients miss meanwhile.
			cluster.signal(Long.parseLong(ready.group(1)), "KILL");
			await("the restarted worker's warm-up").atMost(ClusterProcess.STARTUP)
				.until(() -> cluster.output().split("Warmed up with", -1).length >= 3);
			String restarted = cluster.output();
			String second = restarted.substring(restarted.lastIndexOf("Warmed up with"));
			assertThat(second).contains(": {200=2}; management server: GET /admin/actuator/health/ping {200=1}\n")
				.doesNotContain("more rounds");
			// The only worker's restart has no other worker to leave connections to.
			assertThat(restarted).doesNotContain("holds fewer connections than the others");
		}
	}

	@Test
	void aFirstWorkersJitCompilerRunsAheadOfItsOtherThreadsForTheHeadStart() throws Exception {
		try (ClusterProcess cluster = ClusterProcess.start("--app.cluster.instances=1",
				"--app.cluster.worker.warmup.first-workers-until-compiled=false",
				"--app.cluster.worker.warmup.compiler-head-start=15s")) {
			// Either line names the head start.
			String output = cluster.awaitReady().awaitOutput("head start").output();
			Matcher ready = FIRST_READY.matcher(output);
			assertThat(ready.find()).as(output).isTrue();
			long worker = Long.parseLong(ready.group(1));
			int primary = ClusterProcess.niceOf(Path.of("/proc", String.valueOf(cluster.pid()), "stat")).orElseThrow();
			int ahead = primary - 5;
			if (output.contains("at nice " + ahead + " for a head start")) {
				assertThat(ClusterProcess.niceOfThreads(worker, C2_THREAD)).isNotEmpty().containsOnly(ahead);
				assertThat(ClusterProcess.niceOfThreads(worker, C2_THREAD.negate())).containsOnly(primary);
				await("the end of the head start").atMost(Duration.ofSeconds(40))
					.until(() -> ClusterProcess.niceOfThreads(worker, C2_THREAD)
						.stream()
						.allMatch((n) -> n == primary));
				String end = cluster.awaitOutput("back at their nice value").output();
				assertThat(end).containsPattern("JIT compiler threads \\[\\d+(, \\d+)*] back at their nice value");
				// The head start's 15 s and, when the compiler settled, two quiet
				// batches of 250 ms after it, or as long again when it did not.
				Matcher ended = HEAD_START_END.matcher(end);
				assertThat(ended.find()).as(end).isTrue();
				long least = ended.group(2).equals("the compiler settled") ? 15_500L : 30_000L;
				assertThat(Long.parseLong(ended.group(1))).isBetween(least, 31_000L);
			}
			else {
				assertThat(output).contains("JIT compiler head start skipped: running threads at nice " + ahead
						+ " needs CAP_SYS_NICE or RLIMIT_NICE");
				assertThat(ClusterProcess.niceOfEveryThread(worker)).containsOnly(primary);
			}
		}
	}

}
