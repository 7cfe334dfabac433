package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.testcontainers.DockerClientFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sample's container image, built once per test run with the README's own commands
 * ({@code containers/base-image.sh}, then {@code docker build} of
 * {@code sample-app/Dockerfile}), as a user pastes them.
 */
final class SampleImage {

	static final String NAME = "boot-cluster-sample";

	private static final Path ROOT = Path.of(System.getProperty("project.root", "..")).toAbsolutePath().normalize();

	private static boolean built;

	private SampleImage() {
	}

	/**
	 * The image's name, once it is built; skips the calling test when no container engine
	 * runs here.
	 */
	static synchronized String build() {
		assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
				"No container engine answers here (DOCKER_HOST or /var/run/docker.sock): "
						+ "start one, as .ci/run does with dockerd, to run the container tests");
		if (!built) {
			for (String command : readmeCommands()) {
				run(command);
			}
			built = true;
		}
		return NAME;
	}

	/**
	 * The README's commands that build the image: the lines of its code blocks that run
	 * {@code containers/base-image.sh} or {@code docker build}.
	 */
	static List<String> readmeCommands() {
		List<String> commands;
		try {
			commands = ReadmeCommands.codeLinesStartingWith("containers/base-image.sh", "docker build ");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		assertThat(commands).as("the README's image build commands").hasSize(2);
		return commands;
	}

	private static void run(String command) {
		try {
			Path log = Files.createTempFile("image-build-", ".log");
			Process process = new ProcessBuilder("bash", "-c", command).directory(ROOT.toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			boolean exited = process.waitFor(5, TimeUnit.MINUTES);
			if (!exited) {
				process.destroyForcibly();
			}
			String output = Files.readString(log);
			Files.delete(log);
			assertThat(exited && process.exitValue() == 0).as("`%s` failed:%n%s", command, output).isTrue();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
