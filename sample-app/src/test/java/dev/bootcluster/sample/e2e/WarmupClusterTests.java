package dev.bootcluster.sample.e2e;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A new worker takes no connection from the shared port before it is ready and has served
 * its warm-up requests to itself.
 */
class WarmupClusterTests {

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

}
