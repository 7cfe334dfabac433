package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.github.dockerjava.api.command.InspectContainerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample's image in a real container engine, limited to 2 CPUs and 1 GiB as a
 * Kubernetes pod would be, with the primary as the container's PID 1: {@code max} means
 * the container's CPUs, the workers' heaps fit its memory, a reload under load fails no
 * request, a killed worker is replaced and reaped, and {@code docker stop} drains.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerClusterTests {

	private static final long GIBIBYTE = 1L << 30;

	private static SampleContainer container;

	@BeforeAll
	static void start() {
		container = new SampleContainer((limits) -> limits.withNanoCPUs(2_000_000_000L).withMemory(GIBIBYTE));
		container.start();
	}

	@AfterAll
	static void stop() {
		if (container != null) {
			container.stop();
		}
	}

	@Test
	@Order(1)
	void maxIsTheContainersCpusAndEachWorkerGetsItsShareOfCpusAndMemory() throws Exception {
		assertThat(container.status()).contains("\"configuredInstances\":2", "\"readyInstances\":2");
		Map<Integer, SampleContainer.Worker> workers = container.workers();
		assertThat(workers).containsOnlyKeys(0, 1);
		// The image's -XX:MaxRAMPercentage=50 is the heap of both workers together.
		long heaps = 0;
		for (SampleContainer.Worker worker : workers.values()) {
			assertThat(worker.heapMaxBytes()).isBetween(GIBIBYTE / 8, GIBIBYTE / 4);
			heaps += worker.heapMaxBytes();
		}
		long primary = Long.parseLong(container.status().replaceAll("(?s).*\"primaryResidentBytes\":(\\d+).*", "$1"));
		assertThat(heaps + primary).as("workers' heap maxima plus the primary's resident memory")
			.isLessThan(GIBIBYTE * 3 / 4);
		Scrape scrape = container.scrape();
		for (int id = 0; id < 2; id++) {
			assertThat(scrape.value("system_cpu_count{worker=\"" + id + "\"}")).as("worker %d's CPUs", id).isEqualTo(1);
			assertThat(scrape.value("executor_pool_max_threads{worker=\"" + id + "\",name=\"offload-default\"}"))
				.as("worker %d's offload pool", id)
				.isEqualTo(1);
		}
		// Two workers split the container's two CPUs: each runs on its own.
		assertThat(container.output()).contains("worker 0 on CPU 0, worker 1 on CPU 1");
		assertThat(container.cpusOfThreads(workers.get(0).pid())).containsOnly("0");
		assertThat(container.cpusOfThreads(workers.get(1).pid())).containsOnly("1");
		assertThat(container.cpusOfThreads(1)).containsOnly("0-1");
		// An unprivileged user could not return a replacement to normal priority, nor run
		// a restarted worker above it.
		assertThat(container.output())
			.contains("Replacement workers start at normal priority (app.cluster.worker.gentle-start: ")
			.contains("Restarted workers start at normal priority (app.cluster.restart.urgent: ");
	}

	@Test
	@Order(2)
	void aReloadUnderLoadFailsNoRequestAndTheContainerIsNotOomKilled() throws Exception {
		// Paced, leaving the replacements CPU time to start within the container's quota.
		try (LoadGenerator load = new LoadGenerator(container.port(), "/api/whoami", 4, 100_000,
				Duration.ofSeconds(120), Duration.ofMillis(20))) {
			await().atMost(Duration.ofSeconds(10)).until(() -> load.succeeded() > 200);
			Http.Response accepted = Http.postWithoutBody(container.managementPort(), "/actuator/cluster/reload");
			assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
			await("the reload").atMost(ClusterProcess.STARTUP).until(() -> {
				String reload = Http.get(container.managementPort(), "/actuator/cluster/reload").body();
				return !reload.contains("\"state\":\"running\"");
			});
			assertThat(Http.get(container.managementPort(), "/actuator/cluster/reload").body())
				.contains("\"state\":\"succeeded\"");
			int after = load.succeeded();
			await().atMost(Duration.ofSeconds(10)).until(() -> load.succeeded() > after + 200);
			assertThat(load.stop().failures()).isEmpty();
		}
		InspectContainerResponse.ContainerState state = inspect().getState();
		assertThat(state.getRunning()).isTrue();
		assertThat(state.getOOMKilled()).isFalse();
		assertThat(container.status()).contains("\"readyInstances\":2");
	}

	@Test
	@Order(3)
	void aWorkerKilledInsideTheContainerIsReplacedReapedAndMapsTheClassDataArchive() throws Exception {
		// The image's jar is a plain jar (its libraries beside it): archived where it is.
		await("the class data archive").atMost(ClusterProcess.STARTUP)
			.until(() -> container.output().contains("Class data archive for workers ready"));
		long killed = container.workers().get(0).pid();
		container.run("kill", "-9", String.valueOf(killed));
		await("worker 0 replaced").atMost(ClusterProcess.STARTUP).until(() -> {
			SampleContainer.Worker worker = container.workers().get(0);
			return worker != null && worker.pid() != killed && worker.state().equals("ready");
		});
		assertThat(container.status()).contains("\"signal\":\"SIGKILL\"");
		String archive = container.output()
			.replaceAll("(?s).*Class data archive for workers ready in [0-9.]+ s \\(\\d+ MB, (\\S+)\\).*", "$1");
		assertThat(container.run("cat", "/proc/" + container.workers().get(0).pid() + "/maps")).contains(archive);
		assertThat(container.zombies()).isEmpty();
		assertThat(container.run("cat", "/proc/1/cmdline")).startsWith("java");
	}

	@Test
	@Order(4)
	void dockerStopDrainsAnInFlightRequestAndTheContainerExitsZero() throws Exception {
		CompletableFuture<Http.Response> inFlight = CompletableFuture
			.supplyAsync(() -> get(container.port(), "/api/slow?ms=3000"));
		await("the request in flight").atMost(Duration.ofSeconds(10))
			.until(() -> container.scrape().sum("http_server_requests_active_seconds_count{") >= 1);
		// The engine sends SIGTERM, and SIGKILL if the container still runs after the
		// cluster's shutdown timeout (30 s): that would end it with 137.
		DockerClientFactory.instance().client().stopContainerCmd(container.getContainerId()).withTimeout(30).exec();
		Http.Response response = inFlight.get();
		assertThat(response.status()).as(response.body()).isEqualTo(200);
		assertThat(response.body()).contains("\"sleptMs\":3000");
		InspectContainerResponse.ContainerState state = inspect().getState();
		assertThat(state.getExitCodeLong()).as(container.output()).isZero();
		assertThat(container.output()).contains("All workers stopped");
	}

	private static Http.Response get(int port, String path) {
		try {
			return Http.get(port, path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static InspectContainerResponse inspect() {
		return DockerClientFactory.instance().client().inspectContainerCmd(container.getContainerId()).exec();
	}

}
