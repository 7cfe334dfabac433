package dev.bootcluster.sample.e2e;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample on Jetty instead of Tomcat: the same class path without Tomcat's jars, so
 * Spring Boot configures Jetty, whose connectors inherit the primary's socket.
 */
class JettyClusterTests {

	@Test
	void workersOnJettyShareThePortAndStopWithoutLosingARequest() throws Exception {
		try (ClusterProcess cluster = ClusterProcess.launch(
				List.of("-cp", ClusterProcess.classPathWithout("tomcat"), "dev.bootcluster.sample.SampleApplication"),
				List.of("--app.cluster.instances=2", "--server.port=0", "--management.server.port=0",
						"--app.cluster.restart.initial-backoff=200ms"))
			.awaitReady()) {
			assertThat(cluster.output()).contains("Jetty started on port " + cluster.port())
				.doesNotContain("Tomcat started");
			// The sample's warm-up requests reach each worker over a private Jetty
			// connector.
			assertThat(cluster.output()).containsPattern("\\[worker-0\\] .*Warmed up with .*: \\{200=60\\}")
				.containsPattern("\\[worker-1\\] .*Warmed up with .*: \\{200=60\\}");
			Set<String> pids = new HashSet<>();
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				pids.add(Http.get(cluster.port(), "/api/whoami").body().replaceAll(".*\"pid\":(\\d+).*", "$1"));
				return pids.size() == 2;
			});
			Map<Integer, Long> before = cluster.readyWorkers();
			assertThat(cluster.signalUnderLoad(0, "TERM", 4).failures()).isEmpty();
			// The stopped worker's shutdown logs still reach the primary after its
			// listener closed.
			assertThat(cluster.output())
				.containsPattern("\\[worker-0\\] " + before.get(0) + " .*Graceful shutdown complete");
		}
	}

}
