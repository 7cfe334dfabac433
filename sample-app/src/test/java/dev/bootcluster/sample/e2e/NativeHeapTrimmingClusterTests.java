package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each worker's JVM gives the C library's free memory back to the operating system every
 * 5 s ({@code -XX:TrimNativeHeapInterval=5000}, on this JDK and glibc), unless the user
 * chose that flag: the JVM then runs its "Native Heap Trimmer" thread. The primary, whose
 * JVM the user started, does the same every 10 s on its supervisor thread unless that JVM
 * trims itself. The cluster runs the JDK these tests run on.
 */
class NativeHeapTrimmingClusterTests {

	/** The trimmer thread's name as Linux keeps it, cut to 15 characters. */
	private static final String TRIMMER = "Native Heap Tri";

	@BeforeEach
	void jdkHasTheFlag() {
		boolean known;
		try {
			ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("TrimNativeHeapInterval");
			known = true;
		}
		catch (IllegalArgumentException ex) {
			known = false;
		}
		assumeTrue(known, "this JDK has no product flag TrimNativeHeapInterval, so workers do not get it");
	}

	@Test
	void everyWorkerTrimsItsNativeHeapByDefault() throws IOException {
		try (ClusterProcess cluster = ClusterProcess.start("--app.cluster.instances=2").awaitReady()) {
			assertThat(cluster.output()).containsPattern("worker options .*-XX:TrimNativeHeapInterval=5000");
			assertThat(cluster.readyWorkers()).hasSize(2);
			for (long pid : cluster.readyWorkers().values()) {
				assertThat(threadNames(pid)).as("threads of worker %d", pid).contains(TRIMMER);
			}
			assertThat(threadNames(cluster.pid())).as("threads of the primary").doesNotContain(TRIMMER);
		}
	}

	@Test
	void theUsersIntervalWins() throws IOException {
		try (ClusterProcess cluster = ClusterProcess
			.start("--app.cluster.instances=2", "--app.cluster.worker.jvm-args=-XX:TrimNativeHeapInterval=0")
			.awaitReady()) {
			assertThat(cluster.output()).doesNotContain("-XX:TrimNativeHeapInterval=5000");
			assertThat(cluster.readyWorkers()).hasSize(2);
			for (long pid : cluster.readyWorkers().values()) {
				assertThat(threadNames(pid)).as("threads of worker %d", pid).doesNotContain(TRIMMER);
			}
		}
	}

	@Test
	void thePrimaryTrimsItsNativeHeapPeriodically() {
		try (ClusterProcess cluster = ClusterProcess
			.start("--app.cluster.instances=1", "--logging.level.dev.bootcluster.primary.PrimaryFootprint=debug")
			.awaitReady()) {
			// The first trim 10 s after the supervisor started.
			cluster.awaitOutput("Primary native heap trimmed: resident memory");
		}
	}

	@Test
	void thePrimaryLeavesTrimmingToItsJvmWhenThatTrimsItself() throws IOException {
		try (ClusterProcess cluster = ClusterProcess
			.launch(List.of("-XX:TrimNativeHeapInterval=2000", "-jar", ClusterProcess.sampleJar().toString()),
					List.of("--app.cluster.instances=1", "--server.port=0", "--management.server.port=0",
							"--logging.level.dev.bootcluster.primary.PrimaryFootprint=debug"))
			.awaitReady()) {
			assertThat(threadNames(cluster.pid())).as("threads of the primary").contains(TRIMMER);
			// Past the primary's first period (10 s after its supervisor started, before
			// the workers), with no trim of its own.
			await().during(Duration.ofSeconds(12))
				.atMost(Duration.ofSeconds(15))
				.until(() -> !cluster.output().contains("Primary native heap trimmed"));
		}
	}

	private static List<String> threadNames(long pid) throws IOException {
		List<String> names = new ArrayList<>();
		try (Stream<Path> threads = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
			for (Path thread : threads.toList()) {
				try {
					names.add(Files.readString(thread.resolve("comm")).strip());
				}
				catch (NoSuchFileException ex) {
					// A thread that ended since the listing has no name left to read.
				}
			}
		}
		assertThat(names).as("threads of %d", pid).hasSizeGreaterThan(10);
		return names;
	}

}
