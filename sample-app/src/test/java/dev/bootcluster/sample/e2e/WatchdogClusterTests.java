package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker whose every request thread is stuck, or that sends no heartbeat, is hung: its
 * thread dump goes to the log, a replacement starts, and the hung one is stopped once the
 * replacement serves (killed if it does not stop).
 */
class WatchdogClusterTests {

	private static final int THREADS = 4;

	@Test
	void aWorkerWithEveryRequestThreadParkedAndAFrozenOneAreDumpedAndReplaced() throws Exception {
		try (ClusterProcess cluster = ClusterProcess
			.start("--app.cluster.instances=1", "--server.tomcat.threads.max=" + THREADS,
					"--app.cluster.worker.heartbeat-timeout=5s", "--app.cluster.shutdown-timeout=5s")
			.awaitReady()) {
			long hung = cluster.readyWorkers().get(0);
			List<CompletableFuture<Http.Response>> parked = IntStream.range(0, THREADS)
				.mapToObj((i) -> CompletableFuture.supplyAsync(() -> get(cluster.port(), "/api/park")))
				.toList();
			await("the hung worker replaced").atMost(ClusterProcess.STARTUP)
				.until(() -> cluster.readyPids().stream().anyMatch((pid) -> pid != hung));
			String output = cluster.output();
			assertThat(output).containsPattern("worker 0 \\(pid " + hung + "\\) is hung: all " + THREADS
					+ " request threads busy and none finished a request for \\d+\\.\\d s");
			assertThat(output.substring(output.indexOf("is hung"))).contains("Full thread dump",
					"dev.bootcluster.sample.Parking.park");
			// The replacement serves; the parked requests end as the hung worker stops,
			// and a
			// request it took just before it stopped is still answered.
			long replacement = cluster.readyPids().stream().filter((pid) -> pid != hung).findFirst().orElseThrow();
			await("the replacement serving").atMost(Duration.ofSeconds(40)).until(() -> {
				Http.Response whoami = get(cluster.port(), "/api/whoami");
				assertThat(whoami.status()).isEqualTo(200);
				return whoami.body().contains("\"pid\":" + replacement);
			});
			await().atMost(Duration.ofSeconds(40)).until(() -> parked.stream().allMatch(CompletableFuture::isDone));
			await().atMost(Duration.ofSeconds(40))
				.until(() -> ProcessHandle.of(hung).map(ClusterProcess::hasExited).orElse(true));
			// The primary hears of the exit a moment after the process is gone.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> Http.get(cluster.managementPort(), "/actuator/cluster")
					.body()
					.contains("\"reason\":\"heartbeat-timeout\""));
			// A frozen JVM (as in a GC death spiral) sends no heartbeat at all.
			long frozen = replacement;
			cluster.signal(frozen, "STOP");
			// A request the management port hands to the frozen worker waits until it
			// times
			// out: the kernel still queues connections for a stopped process.
			await("the frozen worker replaced").atMost(ClusterProcess.STARTUP)
				.ignoreExceptionsInstanceOf(IOException.class)
				.until(() -> cluster.readyPids().stream().anyMatch((pid) -> pid != frozen));
			assertThat(cluster.output())
				.containsPattern("worker 0 \\(pid " + frozen + "\\) is hung: no heartbeat for \\d+\\.\\d s");
			await("the frozen worker killed").atMost(Duration.ofSeconds(40))
				.until(() -> ProcessHandle.of(frozen).map(ClusterProcess::hasExited).orElse(true));
		}
	}

	private static Http.Response get(int port, String path) {
		try {
			return Http.get(port, path);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
