package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample started with {@code mvn spring-boot:run}: Maven forks the application on a
 * class path of {@code target/classes} and local repository jars, and the primary starts
 * its workers with that same command. Maven resolves this build's own modules from a
 * local repository of their own, chained in front of the user's, so the test runs the
 * code just built even when nothing was installed.
 */
class SpringBootRunTests {

	private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

	private static final String VERSION = System.getProperty("project.version", "0.1.0-SNAPSHOT");

	@Test
	void mavenRunStartsTheSampleAsAClusterAndStopsItWithMaven(@TempDir Path repository) throws Exception {
		install(repository, "boot-cluster", ROOT, false);
		install(repository, "clustering-autoconfigure", ROOT.resolve("clustering-autoconfigure"), true);
		install(repository, "clustering-starter", ROOT.resolve("clustering-starter"), true);
		String marker = ClusterProcess.newMarker();
		List<String> maven = List.of(ROOT.resolve("mvnw").toString(), "-B", "-q", "-f",
				ROOT.resolve("sample-app/pom.xml").toString(), "-Dmaven.repo.local=" + repository,
				"-Dmaven.repo.local.tail=" + System.getProperty("maven.repo.local"), "spring-boot:run",
				"-Dspring-boot.run.arguments=--app.cluster.instances=2 --server.port=0 --management.server.port=0 "
						+ ClusterProcess.markerArgument(marker));
		try (ClusterProcess cluster = ClusterProcess.exec(maven, marker).awaitReady()) {
			Map<Integer, Long> workers = cluster.readyWorkers();
			assertThat(workers).hasSize(2);
			// Workers run Maven's class path launch: the classes just compiled and this
			// build's autoconfigure jar, not a packaged application.
			for (long pid : workers.values()) {
				List<String> command = ClusterProcess.commandLine(ProcessHandle.of(pid).orElseThrow());
				String classPath = command.get(command.indexOf("-cp") + 1);
				assertThat(classPath).contains(ROOT.resolve("sample-app/target/classes").toString())
					.contains(repository.resolve("dev/bootcluster/clustering-autoconfigure").toString());
				assertThat(command).contains("dev.bootcluster.sample.SampleApplication").doesNotContain("-jar");
			}
			Set<Long> answered = new HashSet<>();
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				String body = Http.get(cluster.port(), "/api/whoami").body();
				answered.add(Long.valueOf(body.replaceAll(".*\"pid\":(\\d+).*", "$1")));
				return answered.size() == 2;
			});
			assertThat(answered).containsExactlyInAnyOrderElementsOf(workers.values());
			List<ProcessHandle> processes = cluster.workerProcesses();
			// Stopping Maven, as Ctrl-C does, stops the application it forked: the
			// primary drains its workers and exits cleanly.
			cluster.process().destroy();
			await("Maven, the primary and every worker gone").atMost(ClusterProcess.STARTUP)
				.until(() -> !cluster.process().isAlive() && processes.stream().allMatch(ClusterProcess::hasExited));
			assertThat(cluster.output()).containsPattern("Primary \\(pid \\d+\\) exits with code 0")
				.contains("worker 0 (pid " + workers.get(0) + ") stopped")
				.contains("worker 1 (pid " + workers.get(1) + ") stopped");
		}
	}

	/**
	 * Put a module's pom, and its jar if it has one, where Maven looks for it in a local
	 * repository, keeping the jar's time so Maven sees nothing changed.
	 */
	private static void install(Path repository, String artifactId, Path module, boolean hasJar) throws IOException {
		Path directory = repository.resolve("dev/bootcluster").resolve(artifactId).resolve(VERSION);
		Files.createDirectories(directory);
		Files.copy(module.resolve("pom.xml"), directory.resolve(artifactId + "-" + VERSION + ".pom"),
				StandardCopyOption.COPY_ATTRIBUTES);
		if (hasJar) {
			Path jar = module.resolve("target").resolve(artifactId + "-" + VERSION + ".jar");
			assertThat(jar).as("built by this build's package phase").exists();
			Files.copy(jar, directory.resolve(artifactId + "-" + VERSION + ".jar"), StandardCopyOption.COPY_ATTRIBUTES);
		}
	}

}
