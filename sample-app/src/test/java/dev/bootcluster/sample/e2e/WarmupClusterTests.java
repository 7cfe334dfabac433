package dev.bootcluster.sample.e2e;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
		}
	}

}
