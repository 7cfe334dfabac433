package dev.bootcluster.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.web.server.WebServer;

import dev.bootcluster.autoconfigure.ClusterProperties;
import dev.bootcluster.server.WarmupConnector;

/**
 * Sends the configured warm-up requests to this worker over a private loopback connector,
 * so that class loading, lazy initialization and the first compilations happen before the
 * worker takes real clients from the shared port.
 */
final class WorkerWarmup {

	private static final Log logger = LogFactory.getLog(WorkerWarmup.class);

	private static final String LOOPBACK = "127.0.0.1";

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
			requests: for (int round = 0; round < settings.getRequests(); round++) {
				for (String path : settings.getPaths()) {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						outcomes.merge("timed out", 1, Integer::sum);
						break requests;
					}
					outcomes.merge(get(connector.port(), path, (int) Math.max(1, left / 1_000_000)), 1, Integer::sum);
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
	 * One GET over a new connection.
	 * @return the status code, or what went wrong
	 */
	private static String get(int port, String path, int timeoutMillis) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(LOOPBACK, port), timeoutMillis);
			socket.setSoTimeout(timeoutMillis);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: " + LOOPBACK + ":" + port
					+ "\r\nUser-Agent: boot-cluster-warmup\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			int read = in.read(buffer);
			String head = (read > 0) ? new String(buffer, 0, Math.min(read, 12), StandardCharsets.US_ASCII) : "";
			while (read >= 0) {
				read = in.read(buffer);
			}
			return head.startsWith("HTTP/1.") && head.length() >= 12 ? head.substring(9, 12) : "no response";
		}
		catch (IOException ex) {
			return ex.getClass().getSimpleName();
		}
	}

}
