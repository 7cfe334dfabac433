package dev.bootcluster.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.web.server.WebServer;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.server.WarmupConnector;

/**
 * Sends the configured warm-up requests to this worker over a private loopback connector,
 * so that class loading, lazy initialization and the first compilations happen before the
 * worker takes real clients from the shared port.
 * <p>
 * Each request is written by hand on a new connection ({@code Connection: close}), as
 * many clients send them: the worker's CPU then goes to the server's code (accepting,
 * parsing, the application), which is what gets compiled, and not to an HTTP client's.
 * <p>
 * With warm-up paths, the first round and every tenth after it also request the
 * {@code ping} health indicator (which asks no one, unlike the {@code cluster} one) from
 * the worker's own management server, where it has one. That server runs the same server
 * and Spring MVC code with other servlets, filters and converters: code the JIT compiler
 * optimized having seen only the application's requests would be thrown away and compiled
 * again on the first management request, such as a probe or an operator's
 * {@code /actuator/cluster}, while clients wait.
 */
public final class WorkerWarmup {

	private static final Log logger = LogFactory.getLog(WorkerWarmup.class);

	/**
	 * Marks a warm-up request, which is not the application's traffic: metrics leave it
	 * out while the worker takes no connections yet.
	 */
	public static final String WARMUP_HEADER = "Boot-Cluster-Warmup";

	/** Bytes of a response read before its status line is parsed. */
	private static final int STATUS_LINE = 16;

	/** The outcome of a request that ran out of time. */
	private static final String TIMED_OUT = "timed out";

	/** Every how many rounds one request goes to the management server. */
	static final int MANAGEMENT_EVERY = 10;

	/** How long a management request may take at most. */
	private static final long MANAGEMENT_TIMEOUT_NANOS = Duration.ofSeconds(2).toNanos();

	private WorkerWarmup() {
	}

	/**
	 * Run the warm-up; returns when it is done, failed or timed out.
	 * @param settings {@code app.cluster.worker.warmup}
	 * @param webServer the worker's web server, if it has one
	 * @param start why this worker starts, which decides whether it may warm up until
	 * compiled
	 * @param management the worker's own management server, if it has one
	 */
	static void run(ClusterProperties.Warmup settings, @Nullable WebServer webServer, WorkerLaunch.Start start,
			@Nullable ManagementServer management) {
		if (settings.getPaths().isEmpty() || webServer == null) {
			return;
		}
		long startNanos = System.nanoTime();
		Map<String, Integer> outcomes = new TreeMap<>();
		String note = "";
		try (WarmupConnector connector = WarmupConnector.open(webServer)) {
			if (connector == null) {
				logger.warn("Warm-up skipped: " + webServer.getClass().getName() + " is not supported");
				return;
			}
			Rounds rounds = new Rounds(new InetSocketAddress(InetAddress.getLoopbackAddress(), connector.port()),
					settings.getPaths(), management, startNanos + settings.getTimeout().toNanos(), outcomes);
			boolean inTime = true;
			for (int round = 0; round < settings.getRequests() && inTime; round++) {
				inTime = rounds.run(true);
			}
			if (inTime && warmsUntilCompiled(settings, start)) {
				note = roundsUntilCompiled(rounds);
			}
			if (management != null) {
				note += "; management server: GET " + management.pingPath() + " " + rounds.managementOutcomes;
			}
		}
		catch (Exception ex) {
			logger.warn("Warm-up stopped: " + ex);
		}
		logger.info("Warmed up with " + settings.getPaths() + " in " + (System.nanoTime() - startNanos) / 1_000_000
				+ " ms: " + outcomes + note);
	}

	/**
	 * A worker's own management server.
	 *
	 * @param port its port on the loopback address
	 * @param pingPath the path of its {@code ping} health indicator
	 */
	record ManagementServer(int port, String pingPath) {

		/**
		 * The management server whose {@code ping} health indicator is under the given
		 * paths.
		 * @param port its port on the loopback address
		 * @param serverBasePath {@code management.server.base-path}
		 * @param endpointsBasePath {@code management.endpoints.web.base-path}
		 * @param healthPath {@code management.endpoints.web.path-mapping.health}
		 * @return the management server
		 */
		static ManagementServer of(int port, String serverBasePath, String endpointsBasePath, String healthPath) {
			String path = Stream.of(serverBasePath, endpointsBasePath, healthPath, "ping")
				.flatMap((part) -> Arrays.stream(part.split("/")))
				.filter((segment) -> !segment.isEmpty())
				.collect(Collectors.joining("/", "/", ""));
			return new ManagementServer(port, path);
		}

	}

	/**
	 * Whether a start may take longer for its JIT compiler to settle: it costs no
	 * capacity when the worker replaces one that still serves, and none that the cluster
	 * had when it is one of its first workers.
	 */
	static boolean warmsUntilCompiled(ClusterProperties.Warmup settings, WorkerLaunch.Start start) {
		return switch (start) {
			case REPLACING -> settings.isUntilCompiled();
			case FIRST -> settings.isFirstWorkersUntilCompiled();
			case ADDING -> false;
		};
	}

	/**
	 * More rounds while the JIT compiler still works, until it settles or the warm-up's
	 * time is up.
	 * @return how it ended, for the log
	 */
	private static String roundsUntilCompiled(Rounds rounds) {
		JitSettling jit = JitSettling.ofThisJvm();
		if (jit == null) {
			return "; the JIT compiler's time is not monitored here, so no more rounds until it settles";
		}
		int moreRounds = 0;
		do {
			if (!rounds.run(false)) {
				return "; " + moreRounds + " more rounds, the JIT compiler still busy when the time was up";
			}
			moreRounds++;
		}
		while (!jit.roundEnded());
		return "; " + moreRounds + " more rounds until the JIT compiler settled";
	}

	/**
	 * One GET on a new connection, its response read to the end and discarded.
	 * @param address the warm-up connector
	 * @param path the path, with its query
	 * @param timeoutNanos how long connecting and each read may take
	 * @param buffer scratch space for the response
	 * @return the status code, or what went wrong
	 */
	private static String get(InetSocketAddress address, String path, long timeoutNanos, byte[] buffer) {
		int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeoutNanos / 1_000_000));
		try (Socket socket = new Socket()) {
			socket.connect(address, timeoutMillis);
			socket.setSoTimeout(timeoutMillis);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + address.getPort()
					+ "\r\nUser-Agent: boot-cluster-warmup\r\n" + WARMUP_HEADER
					+ ": 1\r\nAccept: */*\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			int length = 0;
			int read = 0;
			while (length < STATUS_LINE && (read = in.read(buffer, length, buffer.length - length)) > 0) {
				length += read;
			}
			String status = status(new String(buffer, 0, length, StandardCharsets.ISO_8859_1));
			while (read > 0) {
				read = in.read(buffer);
			}
			return status;
		}
		catch (SocketTimeoutException ex) {
			return TIMED_OUT;
		}
		catch (IOException ex) {
			return ex.getClass().getSimpleName();
		}
	}

	/**
	 * The status code of a response's start, such as {@code 200} for
	 * {@code HTTP/1.1 200 OK}.
	 */
	private static String status(String start) {
		String[] parts = start.split(" ", 3);
		return (parts.length >= 2 && parts[0].startsWith("HTTP/") && parts[1].matches("\\d{3}")) ? parts[1]
				: "malformed response";
	}

	/**
	 * The warm-up's requests, one round being each path once, and what they got.
	 */
	private static final class Rounds {

		private final InetSocketAddress address;

		private final List<String> paths;

		private final @Nullable ManagementServer management;

		private final long deadline;

		private final Map<String, Integer> outcomes;

		private final Map<String, Integer> managementOutcomes = new TreeMap<>();

		private final byte[] buffer = new byte[8192];

		private int completedRounds;

		Rounds(InetSocketAddress address, List<String> paths, @Nullable ManagementServer management, long deadline,
				Map<String, Integer> outcomes) {
			this.address = address;
			this.paths = paths;
			this.management = management;
			this.deadline = deadline;
			this.outcomes = outcomes;
		}

		/**
		 * Request each path once.
		 * @param required whether the round is one of the requested ones, whose cut by
		 * the timeout is an outcome to report; a round more is only ended by it
		 * @return {@code false} when the time was up before the round ended
		 */
		boolean run(boolean required) {
			for (String path : this.paths) {
				long left = this.deadline - System.nanoTime();
				if (left <= 0) {
					if (required) {
						this.outcomes.merge(TIMED_OUT, 1, Integer::sum);
					}
					return false;
				}
				String outcome = get(this.address, path, left, this.buffer);
				if (endsRoundMore(outcome, required)) {
					return false;
				}
				this.outcomes.merge(outcome, 1, Integer::sum);
			}
			long left = this.deadline - System.nanoTime();
			if (this.management != null && this.completedRounds++ % MANAGEMENT_EVERY == 0 && left > 0) {
				InetSocketAddress server = new InetSocketAddress(this.address.getAddress(), this.management.port());
				long timeout = Math.min(left, MANAGEMENT_TIMEOUT_NANOS);
				String outcome = get(server, this.management.pingPath(), timeout, this.buffer);
				if (timeout != left || !endsRoundMore(outcome, required)) {
					this.managementOutcomes.merge(outcome, 1, Integer::sum);
				}
			}
			return true;
		}

		/**
		 * Whether a request given the time left ran into the warm-up's end in a round
		 * more, which that only ends: not an outcome to report.
		 */
		private static boolean endsRoundMore(String outcome, boolean required) {
			return !required && TIMED_OUT.equals(outcome);
		}

	}

}
