package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code app.cluster.worker.cpu-affinity}: by default each worker JVM, every one of its
 * threads, runs on its own CPU when the workers split the primary's CPUs evenly, the
 * primary keeps all of them, and a restarted worker gets the CPU of the one it replaces;
 * the default {@code @Offload} pool counts the CPUs a worker may run on. Each primary
 * here runs on two CPUs ({@code taskset}), so the tests mean the same on a machine of any
 * size.
 */
class CpuAffinityClusterTests {

	private final List<Integer> twoCpus = ClusterProcess.cpusAllowed(Path.of("/proc/self/status"))
		.orElseThrow()
		.subList(0, 2);

	@Test
	void byDefaultEveryThreadOfAWorkerRunsOnTheWorkersCpuAcrossRestarts() throws Exception {
		try (ClusterProcess cluster = launchOnTwoCpus(List.of(),
				List.of("--app.cluster.instances=2", "--app.cluster.restart.initial-backoff=200ms"))
			.awaitReady()) {
			assertThat(cluster.output())
				.contains("worker 0 on CPU " + this.twoCpus.get(0) + ", worker 1 on CPU " + this.twoCpus.get(1));
			for (int id = 0; id < 2; id++) {
				assertThreadsRunOn(cluster.readyWorkers().get(id), List.of(this.twoCpus.get(id)));
			}
			assertThat(ClusterProcess.cpusAllowed(Path.of("/proc", String.valueOf(cluster.pid()), "status")))
				.contains(this.twoCpus);
			long killed = cluster.readyWorkers().get(0);
			cluster.signal(killed, "KILL");
			await().atMost(ClusterProcess.STARTUP).until(() -> cluster.readyWorkers().get(0) != killed);
			assertThreadsRunOn(cluster.readyWorkers().get(0), List.of(this.twoCpus.get(0)));
			// Three workers do not split two CPUs: the new one stays on both.
			assertThat(Http.post(cluster.managementPort(), "/actuator/cluster/scale", "{\"instances\":\"3\"}").status())
				.isEqualTo(200);
			await().atMost(ClusterProcess.STARTUP).until(() -> cluster.readyWorkers().containsKey(2));
			assertThreadsRunOn(cluster.readyWorkers().get(2), this.twoCpus);
			assertThreadsRunOn(cluster.readyWorkers().get(1), List.of(this.twoCpus.get(1)));
			// A pinned worker's @Offload pool has a thread for its own CPU; a worker
			// that shares the CPUs has a thread for each of them.
			Scrape scrape = Scrape.of(cluster.managementPort());
			for (int id = 0; id < 3; id++) {
				assertThat(scrape.value("executor_pool_max_threads{worker=\"" + id + "\",name=\"offload-default\"}"))
					.as("offload threads of worker %d", id)
					.isEqualTo((id < 2) ? 1 : 2);
			}
		}
	}

	@Test
	void workersShareTheCpusWhenTheUserSizedThem() {
		try (ClusterProcess cluster = launchOnTwoCpus(List.of(),
				List.of("--app.cluster.instances=2", "--app.cluster.worker.jvm-args=-XX:ActiveProcessorCount=2"))
			.awaitReady()) {
			assertThat(cluster.output()).contains("Workers share CPUs " + this.twoCpus.get(0)
					+ ((this.twoCpus.get(1) == this.twoCpus.get(0) + 1) ? "-" : ",") + this.twoCpus.get(1)
					+ " (app.cluster.worker.cpu-affinity=auto: -XX:ActiveProcessorCount chosen for the workers)");
			for (int id = 0; id < 2; id++) {
				assertThreadsRunOn(cluster.readyWorkers().get(id), this.twoCpus);
			}
		}
	}

	private ClusterProcess launchOnTwoCpus(List<String> jvmOptions, List<String> args) {
		String marker = ClusterProcess.newMarker();
		List<String> command = new ArrayList<>(List.of("taskset", "-c", this.twoCpus.get(0) + "," + this.twoCpus.get(1),
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m"));
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", ClusterProcess.sampleJar().toString(), "--server.port=0",
				"--management.server.port=0"));
		command.addAll(ClusterProcess.withQuickFirstStart(args));
		command.add(ClusterProcess.markerArgument(marker));
		return ClusterProcess.exec(command, marker);
	}

	private static void assertThreadsRunOn(long pid, List<Integer> cpus) {
		List<Path> threads;
		try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
			threads = tasks.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		assertThat(threads).hasSizeGreaterThan(10);
		for (Path thread : threads) {
			// A thread that ended since the listing (such as a compiler thread) has no
			// status left to check.
			ClusterProcess.cpusAllowed(thread.resolve("status"))
				.ifPresent((allowed) -> assertThat(allowed).as("CPUs of thread %s of worker %d", thread, pid)
					.isEqualTo(cpus));
		}
	}

}
