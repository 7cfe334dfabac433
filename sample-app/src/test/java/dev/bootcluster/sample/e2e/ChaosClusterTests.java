package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 90 s of what production does to a cluster, all at once: under a load of new connections
 * and a keep-alive load, every few seconds a worker is killed (SIGKILL, as the OOM killer
 * does) or stopped from outside (SIGTERM), the cluster is reloaded or scaled to one to
 * three workers. The primary must stay up, only the requests the killed workers had in
 * flight may fail, and the primary must not leak descriptors or threads.
 */
class ChaosClusterTests {

	private static final Duration CHAOS = Duration.ofSeconds(90);

	private static final int NEW_CONNECTION_THREADS = 2;

	private static final int KEEP_ALIVE_THREADS = 2;

	@Test
	void killsStopsReloadsAndScalesNeverTakeTheServiceDown() throws Exception {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		Map<String, Integer> actions = new TreeMap<>();
		try (ClusterProcess cluster = ClusterProcess
			.start("--app.cluster.instances=2", "--app.cluster.shutdown-timeout=10s")
			.awaitReady()) {
			Footprint before = Footprint.of(cluster.pid());
			int port = cluster.port();
			try (LoadGenerator fresh = new LoadGenerator(port, "/api/whoami", NEW_CONNECTION_THREADS, 5_000_000,
					CHAOS.plusSeconds(240));
					KeepAliveLoad kept = new KeepAliveLoad(port, "/api/data", KEEP_ALIVE_THREADS, 5_000_000,
							CHAOS.plusSeconds(240))) {
				long end = System.nanoTime() + CHAOS.toNanos();
				while (System.nanoTime() < end) {
					// The pace of the chaos: every 4 to 9 s, once the cluster has served
					// more.
					int served = fresh.succeeded() + kept.succeeded();
					try {
						await("requests served since the last action")
							.pollDelay(Duration.ofMillis(4000 + random.nextInt(5000)))
							.atMost(Duration.ofSeconds(60))
							.until(() -> fresh.succeeded() + kept.succeeded() > served + 100);
					}
					catch (ConditionTimeoutException ex) {
						throw failure("No requests served for 60 s", actions, seed, cluster, ex);
					}
					actions.merge(act(cluster, random), 1, Integer::sum);
				}
				// Back to the configured size, every worker ready.
				Http.Response scaled = whenManaged(
						() -> Http.post(cluster.managementPort(), "/actuator/cluster/scale", "{\"instances\":\"2\"}"));
				assertThat(scaled.status()).as(scaled.body()).isEqualTo(200);
				try {
					await("two ready workers").atMost(Duration.ofSeconds(120)).until(() -> settled(cluster));
				}
				catch (ConditionTimeoutException ex) {
					throw failure("Not back to two ready workers in 120 s", actions, seed, cluster, ex);
				}
				int after = fresh.succeeded() + kept.succeeded();
				await().atMost(Duration.ofSeconds(20)).until(() -> fresh.succeeded() + kept.succeeded() > after + 200);
				fresh.stop();
				kept.stop();
				List<String> failures = new ArrayList<>(fresh.failures());
				failures.addAll(kept.failures());
				int kills = actions.getOrDefault("SIGKILL", 0);
				System.out.println("Chaos (seed " + seed + "): " + actions + "; " + failures.size() + " failed of "
						+ (fresh.succeeded() + kept.succeeded() + failures.size()) + " requests: " + failures);
				assertThat(cluster.process().isAlive()).as("the primary, after %s (seed %d)", actions, seed).isTrue();
				// Each load thread has at most one request in flight on a killed worker.
				assertThat(failures).as("failed requests after %s (seed %d)", actions, seed)
					.hasSizeLessThanOrEqualTo(kills * (NEW_CONNECTION_THREADS + KEEP_ALIVE_THREADS));
			}
			if (cluster.workerProcesses().size() != 2) {
				throw failure("Not two worker processes once the loads stopped", actions, seed, cluster, null);
			}
			assertThat(cluster.output()).doesNotContain("stopping the cluster");
			await("the primary's descriptors and threads back to what they were").atMost(Duration.ofSeconds(70))
				.untilAsserted(() -> Footprint.of(cluster.pid()).assertNotAbove(before));
		}
	}

	private static String act(ClusterProcess cluster, Random random) throws Exception {
		int action = random.nextInt(4);
		if (action < 2) {
			List<Long> ready = whenManaged(cluster::readyPids);
			if (ready.isEmpty()) {
				return "none ready";
			}
			String signal = (action == 0) ? "KILL" : "TERM";
			long victim = ready.get(random.nextInt(ready.size()));
			// A worker that exited since the status was read is no victim.
			return signal(victim, signal) ? "SIG" + signal : "gone";
		}
		if (action == 2) {
			Http.Response reload = whenManaged(
					() -> Http.postWithoutBody(cluster.managementPort(), "/actuator/cluster/reload"));
			assertThat(reload.status()).as(reload.body()).isEqualTo(202);
			return "reload";
		}
		int instances = 1 + random.nextInt(3);
		Http.Response scale = whenManaged(() -> Http.post(cluster.managementPort(), "/actuator/cluster/scale",
				"{\"instances\":\"" + instances + "\"}"));
		assertThat(scale.status()).as(scale.body()).isEqualTo(200);
		return "scale";
	}

	private static AssertionError failure(String what, Map<String, Integer> actions, long seed, ClusterProcess cluster,
			@Nullable Throwable cause) {
		return new AssertionError(what + " after " + actions + " (seed " + seed + "); " + diagnosis(cluster)
				+ "\nthe cluster's last output:\n" + tail(cluster.output(), 120), cause);
	}

	/**
	 * What a failure needs to be understood: the cluster's status, its worker processes
	 * and the shared port's sockets.
	 */
	private static String diagnosis(ClusterProcess cluster) {
		StringBuilder diagnosis = new StringBuilder();
		try {
			diagnosis.append("the status: ").append(Http.get(cluster.managementPort(), "/actuator/cluster").body());
		}
		catch (IOException ex) {
			diagnosis.append("no status (").append(ex).append(")");
		}
		diagnosis.append("\nworker processes ").append(cluster.workerProcesses());
		String sockets = run("ss", "-tanp", "sport = :" + cluster.port());
		diagnosis.append("\nthe port's sockets:\n").append(String.join("\n", sockets.lines().limit(20).toList()));
		return diagnosis.toString();
	}

	private static String run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes());
			process.waitFor();
			return output;
		}
		catch (IOException ex) {
			return String.join(" ", command) + ": " + ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private static String tail(String output, int lines) {
		String[] all = output.split("\n");
		return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
	}

	private static boolean signal(long pid, String signal) throws IOException {
		try {
			return new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start().waitFor() == 0;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/**
	 * A call to the management port. While no worker is ready (every one killed at once)
	 * the primary holds the connection for up to 30 s and then closes it: only a call
	 * that failed after that long is made again. A reset or a quick failure fails the
	 * test.
	 */
	private static <T> T whenManaged(Callable<T> call) throws Exception {
		for (int attempt = 1;; attempt++) {
			long started = System.nanoTime();
			try {
				return call.call();
			}
			catch (IOException ex) {
				if (attempt == 3 || Duration.ofNanos(System.nanoTime() - started).toSeconds() < 25) {
					throw ex;
				}
			}
		}
	}

	private static boolean settled(ClusterProcess cluster) throws Exception {
		String status = whenManaged(() -> Http.get(cluster.managementPort(), "/actuator/cluster")).body();
		return status.contains("\"configuredInstances\":2") && status.contains("\"readyInstances\":2")
				&& cluster.readyPids().size() == 2 && !status.contains("\"state\":\"running\"")
				&& cluster.workerProcesses().size() == 2;
	}

	/**
	 * The primary's open file descriptors and threads, from {@code /proc}.
	 */
	record Footprint(long descriptors, long threads) {

		static Footprint of(long pid) throws IOException {
			Path proc = Path.of("/proc", String.valueOf(pid));
			long descriptors;
			try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
				descriptors = fds.count();
			}
			long threads = Files.readAllLines(proc.resolve("status"))
				.stream()
				.filter((line) -> line.startsWith("Threads:"))
				.mapToLong((line) -> Long.parseLong(line.replaceAll("\\D", "")))
				.findFirst()
				.orElseThrow();
			return new Footprint(descriptors, threads);
		}

		/**
		 * As many descriptors as before, and threads within two of it: the JVM starts and
		 * ends JIT compiler threads as it compiles, and keeps a process reaper thread up
		 * to a minute after the process it waited for has ended.
		 */
		void assertNotAbove(Footprint before) {
			assertThat(this.descriptors).as("descriptors (%d before)", before.descriptors)
				.isLessThanOrEqualTo(before.descriptors);
			assertThat(this.threads).as("threads (%d before)", before.threads).isLessThanOrEqualTo(before.threads + 2);
		}

	}

}
