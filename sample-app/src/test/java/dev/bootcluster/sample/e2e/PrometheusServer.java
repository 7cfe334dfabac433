package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.util.FileSystemUtils;

import static org.awaitility.Awaitility.await;

/**
 * A real Prometheus server (Debian's {@code prometheus} package, which {@code .ci/run}
 * installs) on loopback, scraping one target every second.
 */
final class PrometheusServer implements AutoCloseable {

	private static final List<Path> BINARIES = List.of(Path.of("/usr/bin/prometheus"),
			Path.of("/usr/local/bin/prometheus"));

	private static final Pattern SCALAR = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");

	private final Process process;

	private final Path directory;

	private final int port;

	private final HttpClient client = HttpClient.newHttpClient();

	private PrometheusServer(Process process, Path directory, int port) {
		this.process = process;
		this.directory = directory;
		this.port = port;
	}

	static boolean isInstalled() {
		return BINARIES.stream().anyMatch(Files::isExecutable);
	}

	/**
	 * Start Prometheus scraping a cluster's management port.
	 */
	static PrometheusServer scraping(int managementPort) throws IOException {
		Path binary = BINARIES.stream().filter(Files::isExecutable).findFirst().orElseThrow();
		Path directory = Files.createTempDirectory("prometheus-");
		Files.writeString(directory.resolve("prometheus.yml"), """
				global:
				  scrape_interval: 1s
				  scrape_timeout: 900ms
				scrape_configs:
				  - job_name: cluster
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: ['127.0.0.1:%d']
				""".formatted(managementPort));
		int port = freePort();
		Process process = new ProcessBuilder(binary.toString(), "--config.file=" + directory.resolve("prometheus.yml"),
				"--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("prometheus.log").toFile())
			.start();
		PrometheusServer server = new PrometheusServer(process, directory, port);
		await("Prometheus answering").atMost(Duration.ofSeconds(30))
			.ignoreExceptions()
			.until(() -> server.query("up") != null);
		return server;
	}

	/**
	 * The value of an instant query that has a single result.
	 * @return the value, or {@code null} when the query has no result
	 */
	String query(String promql) throws IOException, InterruptedException {
		return query(promql, null);
	}

	/**
	 * The value of an instant query at a time, in seconds since the epoch.
	 */
	String query(String promql, Double time) throws IOException, InterruptedException {
		String uri = "http://127.0.0.1:" + this.port + "/api/v1/query?query="
				+ URLEncoder.encode(promql, StandardCharsets.UTF_8) + ((time != null) ? "&time=" + time : "");
		HttpResponse<String> response = this.client.send(HttpRequest.newBuilder(URI.create(uri)).build(),
				HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException("Prometheus answered " + response.statusCode() + ": " + response.body());
		}
		Matcher value = SCALAR.matcher(response.body());
		return value.find() ? value.group(1) : null;
	}

	String log() {
		try {
			return Files.readString(this.directory.resolve("prometheus.log"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		FileSystemUtils.deleteRecursively(this.directory.toFile());
	}

}
