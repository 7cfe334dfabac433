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
 * {@code app.cluster.worker.cpu-affinity=true}: each worker JVM, every one of its
 * threads, runs on its own CPU, the primary keeps all of them, and a restarted worker
 * gets the CPU of the one it replaces.
 */
class CpuAffinityClusterTests {

	@Test
	void everyThreadOfAWorkerRunsOnTheWorkersCpuAcrossRestarts() {
		List<Integer> allowed = expand(allowedList(Path.of("/proc/self/status")));
		// Two cores for two workers: one CPU each, however many this machine has.
		try (ClusterProcess cluster = ClusterProcess.launch(
				List.of("-XX:ActiveProcessorCount=2", "-jar", ClusterProcess.sampleJar().toString()),
				List.of("--app.cluster.instances=2", "--app.cluster.worker.cpu-affinity=true",
						"--app.cluster.restart.initial-backoff=200ms", "--server.port=0", "--management.server.port=0"))
			.awaitReady()) {
			assertThat(cluster.output())
				.contains("worker 0 on CPU " + allowed.get(0) + ", worker 1 on CPU " + allowed.get(1 % allowed.size()));
			for (int id = 0; id < 2; id++) {
				assertPinned(cluster.readyWorkers().get(id), allowed.get(id % allowed.size()));
			}
			assertThat(allowedList(Path.of("/proc", String.valueOf(cluster.pid()), "status")))
				.isEqualTo(allowedList(Path.of("/proc/self/status")));
			long killed = cluster.readyWorkers().get(0);
			cluster.signal(killed, "KILL");
			await().atMost(ClusterProcess.STARTUP).until(() -> cluster.readyWorkers().get(0) != killed);
			assertPinned(cluster.readyWorkers().get(0), allowed.get(0));
		}
	}

	private static void assertPinned(long pid, int cpu) {
		List<Path> threads;
		try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
			threads = tasks.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		assertThat(threads).hasSizeGreaterThan(10);
		for (Path thread : threads) {
			assertThat(allowedList(thread.resolve("status"))).as("CPUs of thread %s of worker %d", thread, pid)
				.isEqualTo(String.valueOf(cpu));
		}
	}

	private static String allowedList(Path status) {
		try {
			return Files.readAllLines(status)
				.stream()
				.filter((line) -> line.startsWith("Cpus_allowed_list:"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElseThrow();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static List<Integer> expand(String list) {
		List<Integer> cpus = new ArrayList<>();
		for (String range : list.split(",")) {
			String[] bounds = range.split("-");
			int first = Integer.parseInt(bounds[0]);
			int last = Integer.parseInt(bounds[bounds.length - 1]);
			for (int cpu = first; cpu <= last; cpu++) {
				cpus.add(cpu);
			}
		}
		return cpus;
	}

}
