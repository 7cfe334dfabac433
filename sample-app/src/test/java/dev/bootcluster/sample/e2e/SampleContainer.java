package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.model.HostConfig;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's image run as a container: its entry point ({@code java -jar}) is the
 * container's PID 1, the cluster's primary.
 */
final class SampleContainer extends GenericContainer<SampleContainer> {

	private static final Pattern WORKER = Pattern
		.compile("\\{\"id\":(\\d+),\"pid\":(\\d+),\"state\":\"(\\w+)\".*?\"heapMaxBytes\":(\\d+)");

	private final StringBuffer output = new StringBuffer();

	/**
	 * A container of the sample's image.
	 * @param limits the engine's limits, such as CPUs and memory
	 * @param args program arguments after the image's
	 */
	SampleContainer(Consumer<HostConfig> limits, String... args) {
		super(DockerImageName.parse(SampleImage.build()));
		withExposedPorts(8080, 8081);
		withCommand(ClusterProcess.withQuickFirstStart(List.of(args)).toArray(String[]::new));
		withCreateContainerCmdModifier((create) -> limits.accept(create.getHostConfig()));
		withLogConsumer((OutputFrame frame) -> this.output.append(frame.getUtf8String()));
		waitingFor(Wait.forLogMessage(".*Cluster ready: .*", 1).withStartupTimeout(ClusterProcess.STARTUP));
	}

	int port() {
		return getMappedPort(8080);
	}

	int managementPort() {
		return getMappedPort(8081);
	}

	String output() {
		return this.output.toString();
	}

	String status() throws IOException {
		Http.Response status = Http.get(managementPort(), "/actuator/cluster");
		assertThat(status.status()).as(status.body()).isEqualTo(200);
		return status.body();
	}

	/**
	 * The workers {@code /actuator/cluster} lists, by id, as seen inside the container.
	 */
	Map<Integer, Worker> workers() throws IOException {
		Map<Integer, Worker> workers = new LinkedHashMap<>();
		Matcher worker = WORKER.matcher(status().replaceAll("\"reload\":.*", ""));
		while (worker.find()) {
			workers.put(Integer.valueOf(worker.group(1)),
					new Worker(Long.parseLong(worker.group(2)), worker.group(3), Long.parseLong(worker.group(4))));
		}
		return workers;
	}

	/**
	 * Run a command in the container (busybox of the base image) and return what it
	 * printed.
	 */
	String run(String... command) throws IOException, InterruptedException {
		ExecResult result = execInContainer(command);
		assertThat(result.getExitCode()).as("%s: %s", List.of(command), result.getStderr()).isZero();
		return result.getStdout();
	}

	/**
	 * The CPUs every thread of a process may run on, as the kernel lists them (a thread
	 * that ends meanwhile is left out).
	 */
	List<String> cpusOfThreads(long pid) throws IOException, InterruptedException {
		List<String> cpus = new ArrayList<>();
		for (String line : run("sh", "-c", "cat /proc/" + pid + "/task/*/status 2>/dev/null; true").split("\n")) {
			if (line.startsWith("Cpus_allowed_list:")) {
				cpus.add(line.substring(line.indexOf(':') + 1).trim());
			}
		}
		assertThat(cpus).as("threads of %d", pid).isNotEmpty();
		return cpus;
	}

	/**
	 * The processes in the container that are zombies (exited, not yet reaped).
	 */
	List<String> zombies() throws IOException, InterruptedException {
		List<String> zombies = new ArrayList<>();
		for (String stat : run("sh", "-c", "cat /proc/[0-9]*/stat 2>/dev/null; true").split("\n")) {
			String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			if (afterName[0].equals("Z")) {
				zombies.add(stat);
			}
		}
		return zombies;
	}

	Scrape scrape() throws IOException {
		return Scrape.of(managementPort());
	}

	record Worker(long pid, String state, long heapMaxBytes) {

	}

}
