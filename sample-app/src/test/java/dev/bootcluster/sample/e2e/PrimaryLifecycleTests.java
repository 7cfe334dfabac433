package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the primary starts, stops and fails, each against a real cluster of its own.
 */
class PrimaryLifecycleTests {

	@Test
	void sigtermDrainsAnInFlightRequestStopsEveryWorkerAndExitsZero() throws Exception {
		try (ClusterProcess cluster = ClusterProcess.start("--app.cluster.instances=2").awaitReady()) {
			List<ProcessHandle> workers = cluster.workerProcesses();
			assertThat(workers).hasSize(2);
			CompletableFuture<Http.Response> slow = CompletableFuture
				.supplyAsync(() -> get(cluster.port(), "/api/slow?ms=2000"));
			await("request in flight").atMost(Duration.ofSeconds(20))
				.until(() -> activeSlowRequests(cluster.managementPort()) > 0);
			cluster.signal(cluster.pid(), "TERM");
			assertThat(slow.get().status()).isEqualTo(200);
			assertThat(slow.get().body()).contains("\"sleptMs\":2000");
			assertThat(cluster.awaitExit(Duration.ofSeconds(40))).isZero();
			assertThat(workers).allMatch(ClusterProcess::hasExited);
			assertThat(cluster.output()).contains("Received SIGTERM", "All workers stopped",
					"Commencing graceful shutdown", "exits with code 0");
		}
	}

	@Test
	void killingThePrimaryEndsEveryWorkerWithinTwoSecondsAndFreesThePort() throws Exception {
		try (ClusterProcess cluster = ClusterProcess.start("--app.cluster.instances=2").awaitReady()) {
			List<ProcessHandle> workers = cluster.workerProcesses();
			assertThat(workers).hasSize(2);
			int port = cluster.port();
			cluster.signal(cluster.pid(), "KILL");
			await("orphans gone").atMost(Duration.ofSeconds(2))
				.until(() -> workers.stream().allMatch(ClusterProcess::hasExited));
			try (ServerSocket socket = new ServerSocket()) {
				socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			}
			// Its private directory outlives it, until the next primary starts.
			List<Path> left = runDirectoriesOf(cluster.pid());
			assertThat(left).hasSize(1);
			try (ClusterProcess next = ClusterProcess.start("--app.cluster.instances=1")) {
				// It logs the removal after its start line.
				next.awaitOutput("cluster directories left in");
				assertThat(left.get(0)).doesNotExist();
			}
		}
	}

	@Test
	void sigtermDuringALargeScaleStopsLaunchingAndDrainsEveryWorker() throws Exception {
		try (ClusterProcess cluster = ClusterProcess
			.start("--app.cluster.instances=2", "--app.cluster.max-instances=16")
			.awaitReady()) {
			Http.Response scaled = Http.post(cluster.managementPort(), "/actuator/cluster/scale",
					"{\"instances\":\"16\"}");
			assertThat(scaled.body()).contains("\"from\":2", "\"to\":16");
			cluster.awaitOutput("worker 3 (pid");
			cluster.signal(cluster.pid(), "TERM");
			assertThat(cluster.awaitExit(Duration.ofSeconds(40))).isZero();
			await("every worker gone").atMost(Duration.ofSeconds(5)).until(() -> cluster.workerProcesses().isEmpty());
			Matcher started = Pattern.compile("worker \\d+ \\(pid \\d+\\) starting").matcher(cluster.output());
			int starts = 0;
			while (started.find()) {
				starts++;
			}
			// Two at a time: the shutdown came long before the sixteenth could start.
			assertThat(starts).isBetween(4, 15);
			assertThat(cluster.output()).contains("All workers stopped", "exits with code 0");
		}
	}

	private static List<Path> runDirectoriesOf(long pid) throws IOException {
		try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
			return entries.filter((path) -> path.getFileName().toString().startsWith("boot-cluster-" + pid + "-"))
				.toList();
		}
	}

	@Test
	void aWorkerThatCannotStartStopsTheClusterWithItsOwnError() {
		try (ClusterProcess cluster = ClusterProcess.start("--app.cluster.instances=2",
				"--app.cluster.restart.initial-backoff=100ms", "--app.cluster.restart.max-attempts=2",
				"--server.servlet.context-path=no-leading-slash")) {
			assertThat(cluster.awaitExit(ClusterProcess.STARTUP)).isNotZero();
			String output = cluster.output();
			assertThat(output).containsPattern("worker \\d \\(pid \\d+\\) failed 2 times within 300 s; "
					+ "stopping the cluster. It never became ready. Its last output:");
			String report = output.substring(output.indexOf("Its last output:"));
			assertThat(report).contains("Context path must start with '/'");
			assertThat(cluster.workerProcesses()).isEmpty();
		}
	}

	@Test
	void aPortInUseByAnotherProgramFailsClearlyWithoutStartingAWorker() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
				ClusterProcess cluster = ClusterProcess.start("--app.cluster.instances=2", "--server.address=127.0.0.1",
						"--server.port=" + taken.getLocalPort())) {
			assertThat(cluster.awaitExit(Duration.ofSeconds(30))).isNotZero();
			assertThat(cluster.output())
				.contains("APPLICATION FAILED TO START",
						"Port 127.0.0.1:" + taken.getLocalPort() + " is already in use by another program",
						"no worker was started")
				.doesNotContain("worker 0");
			assertThat(cluster.workerProcesses()).isEmpty();
		}
	}

	@Test
	void aClassPathLaunchStartsItsWorkersTheSameWay() throws Exception {
		// The test class path also holds Jetty (for JettyClusterTests); Spring Boot
		// cannot run a
		// separate management port with both servers present.
		try (ClusterProcess cluster = ClusterProcess
			.launch(List.of("-cp", ClusterProcess.classPathWithout("jetty"),
					"dev.bootcluster.sample.SampleApplication"),
					List.of("--app.cluster.instances=2", "--server.port=0", "--management.server.port=0"))
			.awaitReady()) {
			assertThat(Http.get(cluster.port(), "/api/whoami").body()).contains("\"workerCount\":2");
			assertThat(cluster.workerProcesses()).hasSize(2)
				.allSatisfy((worker) -> assertThat(ClusterProcess.commandLine(worker))
					.contains("-cp", "dev.bootcluster.sample.SampleApplication", "-Xmx128m")
					.doesNotContain("-jar"));
		}
	}

	@Test
	void disabledClusterModeRunsOnePlainJvm() throws Exception {
		try (ClusterProcess plain = ClusterProcess.start("--app.cluster.enabled=false", "--server.port=0")) {
			plain.awaitOutput("Started SampleApplication");
			int port = Integer.parseInt(plain.output().replaceAll("(?s).*?Tomcat started on port (\\d+).*", "$1"));
			assertThat(Http.get(port, "/api/whoami").body()).contains("\"workerId\":-1", "\"pid\":" + plain.pid());
			assertThat(plain.workerProcesses()).isEmpty();
			assertThat(plain.output()).doesNotContain("[primary]");
		}
	}

	private static Http.Response get(int port, String path) {
		try {
			return Http.get(port, path);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int activeSlowRequests(int managementPort) throws IOException {
		// Micrometer tags a request in progress with uri UNKNOWN: count every active one.
		Http.Response metric = Http.get(managementPort, "/actuator/metrics/http.server.requests.active");
		Matcher active = Pattern.compile("\"statistic\":\"ACTIVE_TASKS\",\"value\":(\\d+)").matcher(metric.body());
		return (metric.status() == 200 && active.find()) ? Integer.parseInt(active.group(1)) : 0;
	}

}
