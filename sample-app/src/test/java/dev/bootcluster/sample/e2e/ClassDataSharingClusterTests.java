package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code app.cluster.worker.class-data-sharing=auto} (the default): once the cluster is
 * ready the primary creates a class data archive of the jar it runs, and workers started
 * after that map it; a jar replaced before a reload is never started with the archive of
 * its old content. On JDK 17 a dynamic CDS archive, on JDK 25 an AOT cache.
 */
class ClassDataSharingClusterTests {

	private static final Pattern ARCHIVE = Pattern
		.compile("Class data archive for workers ready in [0-9.]+ s \\(\\d+ MB, (\\S+)\\)");

	private static final Path JDK_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");

	@TempDir
	Path directory;

	@Test
	void onJdk17AReplacementMapsTheArchiveAndAJarChangedBeforeAReloadNeverUsesTheOldOne() throws Exception {
		Path jar = SampleJar.copy(this.directory);
		try (ClusterProcess cluster = ClusterProcess.launch(List.of("-jar", jar.toString()), args()).awaitReady()) {
			String first = awaitArchive(cluster, 1);
			assertThat(first).endsWith("classes.jsa");
			long replacement = replace(cluster, 0);
			assertThat(maps(replacement)).contains(first);
			assertThat(ClusterProcess.commandLine(ProcessHandle.of(replacement).orElseThrow())).containsSubsequence(
					"-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0", "-XX:SharedArchiveFile=" + first);
			assertSharedReadOnly(replacement, first);

			SampleJar.deployVariant(jar, "info.app.version=2");
			Http.Response accepted = Http.postWithoutBody(cluster.managementPort(), "/actuator/cluster/reload");
			assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
			await("the reload").atMost(ClusterProcess.STARTUP.multipliedBy(2))
				.until(() -> Http.get(cluster.managementPort(), "/actuator/cluster/reload")
					.body()
					.contains("\"state\":\"succeeded\""));
			for (long reloaded : cluster.readyPids()) {
				assertThat(maps(reloaded)).doesNotContain(first);
				assertThat(ClusterProcess.commandLine(ProcessHandle.of(reloaded).orElseThrow()))
					.contains(jar.toString())
					.doesNotContain("-XX:SharedArchiveFile");
			}
			assertThat(Http.get(cluster.managementPort(), "/actuator/info").body()).contains("\"version\":\"2\"");

			String second = awaitArchive(cluster, 2);
			assertThat(second).isNotEqualTo(first);
			long afterReload = replace(cluster, 1);
			assertThat(maps(afterReload)).contains(second);
			assertThat(Http.get(cluster.port(), "/api/whoami").status()).isEqualTo(200);
		}
	}

	@Test
	void onJdk25AReplacementMapsTheAotCache() throws Exception {
		assumeTrue(Files.isExecutable(JDK_25), "No JDK 25 at " + JDK_25);
		String marker = ClusterProcess.newMarker();
		List<String> command = new ArrayList<>(
				List.of(JDK_25.toString(), "-Xmx128m", "-jar", ClusterProcess.sampleJar().toString()));
		command.addAll(ClusterProcess.withQuickFirstStart(args()));
		command.add(ClusterProcess.markerArgument(marker));
		try (ClusterProcess cluster = ClusterProcess.exec(command, marker).awaitReady()) {
			String cache = awaitArchive(cluster, 1);
			assertThat(cache).endsWith("classes.aot");
			long replacement = replace(cluster, 0);
			assertThat(maps(replacement)).contains(cache);
			// JDK 25 writes every page of the cache it maps, at any address: the JDK's
			// random address stays.
			assertThat(ClusterProcess.commandLine(ProcessHandle.of(replacement).orElseThrow()))
				.contains("-XX:AOTCache=" + cache)
				.noneMatch((option) -> option.startsWith("-XX:ArchiveRelocationMode"));
		}
	}

	@Test
	void theTrainingRunEndsWhenItsPrimaryIsKilled() throws IOException {
		try (ClusterProcess cluster = ClusterProcess.launch(List.of("-jar", ClusterProcess.sampleJar().toString()),
				args())) {
			String training = "-Dboot-cluster.training-for=" + cluster.pid();
			ProcessHandle run = await("the training run").atMost(ClusterProcess.STARTUP)
				.until(() -> ProcessHandle.allProcesses()
					.filter((process) -> ClusterProcess.commandLine(process).contains(training))
					.findFirst(), Optional::isPresent)
				.orElseThrow();
			cluster.signal(cluster.pid(), "KILL");
			// It checks its parent every 250 ms once Spring Boot runs in it, a few
			// seconds
			// after its JVM started; its context takes longer.
			await("the training run gone").atMost(Duration.ofSeconds(8)).until(() -> !run.isAlive());
			// What it wrote stays in its primary's work folder: no archive is put in
			// place.
			try (Stream<Path> files = Files.walk(this.directory.resolve("cache"), 2)) {
				assertThat(files.map(Path::getFileName).map(Path::toString)).doesNotContain("classes.jsa",
						"classes.aot");
			}
		}
	}

	private List<String> args() {
		return List.of("--app.cluster.instances=2", "--server.port=0", "--management.server.port=0",
				"--app.cluster.restart.initial-backoff=100ms",
				"--app.cluster.worker.class-data-cache=" + this.directory.resolve("cache"));
	}

	/**
	 * The path of the n-th archive the primary made.
	 */
	private static String awaitArchive(ClusterProcess cluster, int nth) {
		List<String> archives = new ArrayList<>();
		await("archive " + nth).atMost(ClusterProcess.STARTUP).until(() -> {
			archives.clear();
			Matcher archive = ARCHIVE.matcher(cluster.output());
			while (archive.find()) {
				archives.add(archive.group(1));
			}
			return archives.size() >= nth;
		});
		return archives.get(nth - 1);
	}

	/**
	 * SIGKILL a worker and return its replacement's pid once it is ready.
	 */
	private static long replace(ClusterProcess cluster, int workerId) throws IOException {
		long killed = cluster.readyPid(workerId);
		cluster.signal(killed, "KILL");
		long[] replacement = new long[1];
		await().atMost(ClusterProcess.STARTUP).ignoreExceptions().until(() -> {
			replacement[0] = cluster.readyPid(workerId);
			return replacement[0] != killed;
		});
		return replacement[0];
	}

	/**
	 * The worker mapped the application's archive at the address it was made for: its
	 * read-only part is mapped read-only and the worker copied (wrote) at most a tenth of
	 * those pages, so the rest is the page cache's one copy, shared with every process
	 * that maps it. Mapped at a random address (the JDK's default), the JVM rewrites the
	 * pointers in it and maps no part of it read-only.
	 */
	private static void assertSharedReadOnly(long pid, String archive) throws IOException {
		long rss = 0;
		long copied = 0;
		boolean readOnlyArchive = false;
		for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps"))) {
			String[] fields = line.trim().split("\\s+");
			if (fields[0].matches("[0-9a-f]+-[0-9a-f]+")) {
				readOnlyArchive = fields[1].equals("r--p") && fields.length > 5 && fields[5].equals(archive);
			}
			else if (readOnlyArchive && fields[0].equals("Rss:")) {
				rss += Long.parseLong(fields[1]);
			}
			else if (readOnlyArchive && fields[0].equals("Anonymous:")) {
				copied += Long.parseLong(fields[1]);
			}
		}
		assertThat(rss).as("kB of the archive mapped read-only").isGreaterThan(1024);
		assertThat(copied).as("kB of those the worker copied").isLessThanOrEqualTo(rss / 10);
	}

	private static String maps(long pid) throws IOException {
		return Files.readString(Path.of("/proc", String.valueOf(pid), "maps"));
	}

}
