package dev.bootcluster.worker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.web.server.WebServer;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.server.WarmupConnector;

/**
 * Sends the configured warm-up requests to this worker over a private loopback connector,
 * so that class loading, lazy initialization and the first compilations happen before the
 * worker takes real clients from the shared port.
 */
public final class WorkerWarmup {

	private static final Log logger = LogFactory.getLog(WorkerWarmup.class);

	/**
	 * Marks a warm-up request, which is not the application's traffic: metrics leave it
	 * out while the worker takes no connections yet.
	 */
	public static final String WARMUP_HEADER = "Boot-Cluster-Warmup";

	private WorkerWarmup() {
	}

	/**
	 * Run the warm-up; returns when it is done, failed or timed out.
	 * @param settings {@code app.cluster.worker.warmup}
	 * @param webServer the worker's web server, if it has one
	 */
	static void run(ClusterProperties.Warmup settings, @Nullable WebServer webServer) {
		if (settings.getPaths().isEmpty() || webServer == null) {
			return;
		}
		long start = System.nanoTime();
		long deadline = start + settings.getTimeout().toNanos();
		Map<String, Integer> outcomes = new TreeMap<>();
		try (WarmupConnector connector = WarmupConnector.open(webServer)) {
			if (connector == null) {
				logger.warn("Warm-up skipped: " + webServer.getClass().getName() + " is not supported");
				return;
			}
			HttpClient client = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(settings.getTimeout())
				.build();
			requests: for (int round = 0; round < settings.getRequests(); round++) {
				for (String path : settings.getPaths()) {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						outcomes.merge("timed out", 1, Integer::sum);
						break requests;
					}
					outcomes.merge(get(client, connector.port(), path, Duration.ofNanos(left)), 1, Integer::sum);
				}
			}
		}
		catch (Exception ex) {
			logger.warn("Warm-up stopped: " + ex);
		}
		logger.info("Warmed up with " + settings.getPaths() + " in " + (System.nanoTime() - start) / 1_000_000 + " ms: "
				+ outcomes);
	}

	/**
	 * One GET, its response discarded.
	 * @return the status code, or what went wrong
	 */
	private static String get(HttpClient client, int port, String path, Duration timeout) throws InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("User-Agent", "boot-cluster-warmup")
			.header(WARMUP_HEADER, "1")
			.timeout(timeout)
			.build();
		try {
			return String.valueOf(client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
		}
		catch (IOException ex) {
			return ex.getClass().getSimpleName();
		}
	}

}
