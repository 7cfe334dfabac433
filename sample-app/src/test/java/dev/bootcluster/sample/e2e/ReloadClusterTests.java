package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rolling reloads, scaling and the {@code cluster} endpoint, against one real cluster
 * started from its own copy of the sample jar so the test can deploy new versions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReloadClusterTests {

	private static final Duration RELOAD = Duration.ofSeconds(200);

	private Path directory;

	private Path jar;

	private ClusterProcess cluster;

	@BeforeAll
	void startCluster() throws Exception {
		this.directory = Files.createTempDirectory("reload-");
		this.jar = SampleJar.copy(this.directory);
		this.cluster = ClusterProcess
			.launch(List.of("-jar", this.jar.toString()), List.of("--app.cluster.instances=2", "--server.port=0",
					"--management.server.port=0", "--app.cluster.startup-timeout=90s"))
			.awaitReady();
	}

	@AfterAll
	void stopCluster() {
		this.cluster.close();
		FileSystemUtils.deleteRecursively(this.directory.toFile());
	}

	@Test
	@Order(1)
	void anyWorkerDescribesTheWholeCluster() throws Exception {
		Http.Response response = Http.get(this.cluster.managementPort(), "/actuator/cluster");
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body()).contains("\"primaryPid\":" + this.cluster.pid(), "\"configuredInstances\":2",
				"\"readyInstances\":2", "\"port\":" + this.cluster.port(), "\"sharing\":\"inherited-socket\"",
				"\"state\":\"ready\"", "\"heapMaxBytes\"", "\"residentBytes\"");
		assertThat(response.body()).containsPattern("\"primaryResidentBytes\":[1-9]\\d*");
		// The warm-up requests each worker served itself are not the application's
		// traffic.
		assertThat(response.body().split("\"requests\":0", -1)).hasSize(3);
		for (long pid : this.cluster.readyWorkers().values()) {
			assertThat(response.body()).contains("\"pid\":" + pid);
		}
		Http.Response health = Http.get(this.cluster.managementPort(), "/actuator/health");
		assertThat(health.body()).contains("\"cluster\"", "\"ready\":2");
	}

	@Test
	@Order(2)
	void badInputIsRejectedAndLeavesTheClusterAlone() throws Exception {
		Map<Integer, Long> before = this.cluster.readyWorkers();
		int management = this.cluster.managementPort();
		assertBadRequest(Http.post(management, "/actuator/cluster/scale", "{\"instances\":\"abc\"}"),
				"Invalid value 'abc' for property 'instances'");
		assertBadRequest(Http.post(management, "/actuator/cluster/scale", "{\"instances\":\"-x\"}"),
				"Invalid value '-x'");
		assertBadRequest(Http.post(management, "/actuator/cluster/scale", "{}"), "needs 'instances'");
		assertBadRequest(Http.post(management, "/actuator/cluster/reload", "{\"force\":true}"),
				"Unknown field 'force'");
		assertBadRequest(Http.post(management, "/actuator/cluster/restart", "{}"), "Unknown operation 'restart'");
		assertBadRequest(Http.post(management, "/actuator/cluster/scale", "{\"instances\":\"99999\"}"),
				"Cannot scale to 99999: 99999 workers are more than the");
		Http.Response noReload = Http.get(management, "/actuator/cluster/reload");
		assertThat(noReload.status()).isEqualTo(404);
		assertThat(noReload.body()).contains("No reload has run since the primary started");
		// Actuator leaves out what is null: no reload has run.
		assertThat(Http.get(management, "/actuator/cluster").body()).contains("\"configuredInstances\":2")
			.doesNotContain("\"reload\"");
		assertThat(this.cluster.readyWorkers()).isEqualTo(before);
	}

	@Test
	@Order(3)
	void aReloadUnderLoadFailsNoRequestOfNewOrKeptAliveConnectionsAndItsReplacementsStartGently() throws Exception {
		Set<Long> before = new HashSet<>(currentPids());
		Scrape scrapeBefore = Scrape.of(this.cluster.managementPort());
		// The nice value of each replacement process as first seen, while it starts,
		// once it runs the worker's JVM: before that it is the primary's forked copy,
		// then the nice command, both still at the primary's value.
		List<String> primaryCommand = ClusterProcess.commandLine(ProcessHandle.of(this.cluster.pid()).orElseThrow());
		Map<Long, Integer> startedAt = new ConcurrentHashMap<>();
		ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
		watcher.scheduleWithFixedDelay(
				() -> this.cluster.workerProcesses()
					.stream()
					.filter((worker) -> !before.contains(worker.pid()))
					.filter((worker) -> runsAWorkerJvm(ClusterProcess.commandLine(worker), primaryCommand))
					.forEach((worker) -> ClusterProcess.niceOf(Path.of("/proc", String.valueOf(worker.pid()), "stat"))
						.ifPresent((nice) -> startedAt.putIfAbsent(worker.pid(), nice))),
				0, 100, TimeUnit.MILLISECONDS);
		try (LoadGenerator fresh = new LoadGenerator(this.cluster.port(), "/api/whoami", 2, 500_000,
				Duration.ofSeconds(240));
				KeepAliveLoad kept = new KeepAliveLoad(this.cluster.port(), "/api/data", 2, 500_000,
						Duration.ofSeconds(240))) {
			await().atMost(Duration.ofSeconds(10)).until(() -> fresh.succeeded() > 200 && kept.succeeded() > 200);
			CompletableFuture<Http.Response> first = CompletableFuture
				.supplyAsync(() -> post("/actuator/cluster/reload"));
			CompletableFuture<Http.Response> second = CompletableFuture
				.supplyAsync(() -> post("/actuator/cluster/reload"));
			assertThat(first.get().status()).isEqualTo(202);
			assertThat(second.get().status()).isEqualTo(202);
			String id = idOf(first.get().body());
			assertThat(idOf(second.get().body())).isEqualTo(id);
			assertThat(first.get().body() + second.get().body()).contains("\"started\":true", "\"started\":false",
					"\"href\":\"/actuator/cluster/reload\"");
			assertThat(awaitReloadFinished(id)).contains("\"state\":\"succeeded\"");
			int freshAfter = fresh.succeeded();
			int keptAfter = kept.succeeded();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> fresh.succeeded() > freshAfter + 200 && kept.succeeded() > keptAfter + 200);
			assertThat(fresh.stop().failures()).as("requests on new connections").isEmpty();
			assertThat(kept.stop().failures()).as("requests on kept-alive connections").isEmpty();
		}
		finally {
			watcher.shutdownNow();
		}
		List<Long> replacements = currentPids();
		assertThat(replacements).hasSize(2).doesNotContainAnyElementsOf(before);
		assertThat(this.cluster.output()).containsOnlyOnce("Reload 1 started");
		// Replacements join serving workers and take a growing share of the connections;
		// the first workers, started together, take their even share at once.
		String slowStart = " --- .*Once ready, this worker holds fewer connections than the others for 15s, "
				+ "a quarter as many at first \\(app\\.cluster\\.worker\\.slow-start\\)";
		assertThat(replacements)
			.allSatisfy((pid) -> assertThat(this.cluster.output()).containsPattern("\\] " + pid + slowStart));
		assertThat(before)
			.allSatisfy((pid) -> assertThat(this.cluster.output()).doesNotContainPattern("\\] " + pid + slowStart));
		// The scrape shows the new workers under the same ids, and the primary counted
		// the reload.
		await("the old workers stopped").atMost(Duration.ofSeconds(60))
			.until(() -> Scrape.of(this.cluster.managementPort())
				.value("cluster_restarts_total{reason=\"reload\"}") == 2);
		Scrape scrape = Scrape.of(this.cluster.managementPort());
		for (String worker : List.of("0", "1")) {
			String started = "process_start_time_seconds{worker=\"" + worker + "\"}";
			assertThat(scrape.value(started)).isGreaterThan(scrapeBefore.value(started));
		}
		assertThat(scrape.value("cluster_reloads_total{outcome=\"succeeded\"}")).isEqualTo(1);
		assertThat(scrape.value("cluster_reload_duration_seconds_count")).isEqualTo(1);
		assertThat(scrape.value("cluster_reload_duration_seconds_sum")).isPositive();
		assertThat(scrape.value("cluster_workers{state=\"ready\"}")).isEqualTo(2);
		int primary = ClusterProcess.niceOf(Path.of("/proc", String.valueOf(this.cluster.pid()), "stat")).orElseThrow();
		if (this.cluster.output().contains("replacements start at nice +10 until ready, raised while they starve")) {
			assertThat(replacements).allSatisfy((pid) -> {
				assertThat(startedAt).containsEntry(pid, primary + 10);
				assertThat(ClusterProcess.niceOfEveryThread(pid)).containsOnly(primary);
			});
			// Returned to the primary's once ready, or before that by the steps that
			// raise it while the load leaves it too little CPU.
			assertThat(this.cluster.output()).containsPattern("(?m)runs at nice " + primary
					+ " \\(was at nice -?\\d+ while it started\\)|the cores are busy; now at nice " + primary + "$");
		}
		else {
			assertThat(this.cluster.output()).contains("Replacement workers start at normal priority");
			assertThat(replacements).allSatisfy((pid) -> assertThat(startedAt).containsEntry(pid, primary));
		}
	}

	@Test
	@Order(4)
	void aReloadWhoseReplacementCannotStartIsStoppedAndTheOldWorkersKeepServing() throws Exception {
		List<Long> before = currentPids();
		SampleJar.deployVariant(this.jar, "server.servlet.context-path=broken");
		Http.Response accepted = post("/actuator/cluster/reload");
		String reload = awaitReloadFinished(idOf(accepted.body()));
		assertThat(reload).contains("\"state\":\"failed\"", "replacement", "Context path must start with '/'",
				"the old workers keep serving");
		assertThat(currentPids()).containsExactlyInAnyOrderElementsOf(before);
		Set<String> answering = new HashSet<>();
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			answering.add(Http.get(this.cluster.port(), "/api/whoami").body().replaceAll(".*\"pid\":(\\d+).*", "$1"));
			return answering.size() == 2;
		});
		assertThat(answering).containsExactlyInAnyOrderElementsOf(before.stream().map(String::valueOf).toList());
		assertThat(this.cluster.output()).contains("Reload 2 failed: worker 0 replacement");
		// A good jar again, of a new version, for the next tests.
		SampleJar.deployVariant(this.jar, "info.app.version=2");
	}

	@Test
	@Order(5)
	void scalingGrowsAndShrinksTheClusterAtRuntime() throws Exception {
		Http.Response up = Http.post(this.cluster.managementPort(), "/actuator/cluster/scale", "{\"instances\":\"3\"}");
		assertThat(up.status()).isEqualTo(200);
		assertThat(up.body()).contains("\"from\":2", "\"to\":3");
		await().atMost(RELOAD).until(() -> cluster().contains("\"readyInstances\":3"));
		assertThat(this.cluster.workerProcesses()).hasSize(3);
		Http.Response down = Http.post(this.cluster.managementPort(), "/actuator/cluster/scale",
				"{\"instances\":\"1\"}");
		assertThat(down.body()).contains("\"from\":3", "\"to\":1");
		await().atMost(RELOAD).until(() -> this.cluster.workerProcesses().size() == 1);
		// The primary hears of an exit a moment after the process is gone.
		await().atMost(Duration.ofSeconds(10)).until(() -> !cluster().contains("\"id\":1"));
		String status = cluster();
		assertThat(status).contains("\"configuredInstances\":1", "\"readyInstances\":1", "\"id\":0")
			.doesNotContain("\"id\":1", "\"id\":2");
		assertThat(Http.get(this.cluster.port(), "/api/whoami").status()).isEqualTo(200);
	}

	@Test
	@Order(6)
	void theReadmesCurlCommandsWorkAsPrintedAndItsReloadServesTheJarReplacedOnDisk() throws Exception {
		List<Long> before = currentPids();
		// One worker is left from the scaling, started before the jar was replaced.
		assertThat(managementGet("/actuator/info").body()).contains("\"version\":\"1\"");
		List<String> commands = ReadmeCommands.curlCommands();
		assertThat(commands).hasSizeGreaterThanOrEqualTo(5);
		String reloadId = null;
		for (String command : commands) {
			ReadmeCommands.Result result = ReadmeCommands.run(command, this.cluster.port(),
					this.cluster.managementPort());
			assertThat(result.status()).as(command + " answered " + result.body()).isBetween(200, 299);
			if (command.contains("-X POST") && command.endsWith("/actuator/cluster/reload")) {
				assertThat(result.status()).isEqualTo(202);
				reloadId = idOf(result.body());
			}
		}
		assertThat(reloadId).as("the README starts a reload").isNotNull();
		assertThat(awaitReloadFinished(reloadId)).contains("\"state\":\"succeeded\"");
		await().atMost(RELOAD).until(() -> cluster().contains("\"readyInstances\":3"));
		assertThat(currentPids()).hasSize(3).doesNotContainAnyElementsOf(before);
		// The reload was posted without a body or a content type, as the README prints
		// it.
		assertThat(infoVersions()).containsOnly("2");
	}

	private String cluster() throws Exception {
		return managementGet("/actuator/cluster").body();
	}

	/**
	 * Whether a process already runs a worker's JVM: not the nice command it may start
	 * through, nor the primary's copy a fork makes before it runs either.
	 */
	private static boolean runsAWorkerJvm(List<String> command, List<String> primaryCommand) {
		return !command.isEmpty() && command.get(0).endsWith("/java") && !command.equals(primaryCommand);
	}

	private List<Long> currentPids() throws Exception {
		List<Long> pids = new ArrayList<>();
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"pid\":(\\d+)")
			.matcher(cluster().replaceAll("\"reload\":.*", "").replaceAll("\"primaryPid\":\\d+", ""));
		while (matcher.find()) {
			pids.add(Long.valueOf(matcher.group(1)));
		}
		return pids;
	}

	private Set<String> infoVersions() {
		Set<String> versions = new HashSet<>();
		Set<String> pids = new HashSet<>();
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			String info = managementGet("/actuator/info").body();
			versions.add(info.replaceAll("(?s).*\"version\":\"([^\"]*)\".*", "$1"));
			pids.add(info.replaceAll("(?s).*\"pid\":(\\d+).*", "$1"));
			return pids.size() == 2;
		});
		return versions;
	}

	private String awaitReloadFinished(String id) {
		String[] last = new String[1];
		await().atMost(RELOAD).until(() -> {
			Http.Response reload = managementGet("/actuator/cluster/reload");
			last[0] = reload.body();
			return reload.body().contains("\"id\":\"" + id + "\"") && !reload.body().contains("\"state\":\"running\"");
		});
		return last[0];
	}

	private Http.Response managementGet(String path) throws IOException {
		return Http.get(this.cluster.managementPort(), path);
	}

	private Http.Response post(String path) {
		try {
			return Http.post(this.cluster.managementPort(), path, "{}");
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String idOf(String body) {
		return body.replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
	}

	private static void assertBadRequest(Http.Response response, String message) {
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.body()).contains(message);
	}

}
