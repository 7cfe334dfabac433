package dev.bootcluster.sample.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.bootcluster.os.CpuSet;

import static org.awaitility.Awaitility.await;

/**
 * The packaged sample application started as a real process, with its output in a file.
 * Every launch carries a unique marker argument, which the primary passes on to its
 * workers, so the test can find every process it started.
 */
final class ClusterProcess implements AutoCloseable {

	static final Duration STARTUP = Duration.ofSeconds(90);

	private static final Pattern PORT = Pattern.compile("starting \\d+ workers on port (\\d+)");

	private static final Pattern MANAGEMENT_PORT = Pattern.compile("management port (\\d+)");

	private static final Pattern READY_PID = Pattern.compile("\"pid\":(\\d+),\"state\":\"ready\"");

	private static final Pattern READY = Pattern.compile("worker (\\d+) \\(pid (\\d+)\\) ready in");

	private final Process process;

	private final Path output;

	private final String marker;

	private ClusterProcess(Process process, Path output, String marker) {
		this.process = process;
		this.output = output;
		this.marker = marker;
	}

	/**
	 * Start the sample jar with the given program arguments, on a random port.
	 */
	static ClusterProcess start(String... args) {
		List<String> all = new ArrayList<>(Arrays.asList(args));
		for (String port : List.of("--server.port=", "--management.server.port=")) {
			if (all.stream().noneMatch((arg) -> arg.startsWith(port))) {
				all.add(port + "0");
			}
		}
		return launch(List.of("-jar", sampleJar().toString()), all);
	}

	static ClusterProcess launch(List<String> target, List<String> args) {
		String marker = newMarker();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx128m");
		command.addAll(target);
		command.addAll(withQuickFirstStart(args));
		command.add(markerArgument(marker));
		return exec(command, marker);
	}

	/**
	 * The sample's first workers would warm up until compiled, about 10 s more per start;
	 * tests that do not check that start them as soon as their warm-up requests are done
	 * ({@code WarmupClusterTests} checks the default). A test that gives the property as
	 * a {@code --name=value} argument keeps its value.
	 */
	static List<String> withQuickFirstStart(List<String> args) {
		String property = "--app.cluster.worker.warmup.first-workers-until-compiled=";
		if (args.stream().anyMatch((arg) -> arg.startsWith(property))) {
			return args;
		}
		List<String> all = new ArrayList<>(args);
		all.add(property + "false");
		return all;
	}

	/**
	 * A marker that tells this launch's processes from any other's.
	 */
	static String newMarker() {
		return UUID.randomUUID().toString();
	}

	/**
	 * The program argument that puts a marker on the primary's and workers' command
	 * lines.
	 */
	static String markerArgument(String marker) {
		return "--test.marker=" + marker;
	}

	/**
	 * Run any command that starts the sample as a cluster, with the marker among the
	 * program arguments it passes on.
	 */
	static ClusterProcess exec(List<String> command, String marker) {
		try {
			Path output = Files.createTempFile("cluster-", ".log");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			return new ClusterProcess(process, output, marker);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * This test JVM's class path without the entries whose path contains a text.
	 */
	static String classPathWithout(String text) {
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.contains(text))
			.collect(Collectors.joining(File.pathSeparator));
	}

	static Path sampleJar() {
		return Path.of(System.getProperty("sample.jar", "target/sample-app-0.1.0-SNAPSHOT.jar"));
	}

	/**
	 * Wait until the primary reports every worker ready.
	 * @return this
	 */
	ClusterProcess awaitReady() {
		return awaitOutput("Cluster ready");
	}

	/**
	 * Wait until the workers' class data archive exists (the primary makes it in the
	 * background once the cluster is ready, the first time for a jar), so that its
	 * training run does not take CPU from what a test measures.
	 * @return this
	 */
	ClusterProcess awaitClassData() {
		await("the class data archive").atMost(STARTUP)
			.until(() -> output().contains("Class data archive for workers ready")
					|| output().contains("; class data archive /"));
		return this;
	}

	/**
	 * Wait until the output contains a text, failing at once if the process exits.
	 * @param text the text
	 * @return this
	 */
	ClusterProcess awaitOutput(String text) {
		await(text).atMost(STARTUP).until(() -> {
			if (!this.process.isAlive()) {
				throw new AssertionError("Process exited with " + this.process.exitValue() + ":\n" + output());
			}
			return output().contains(text);
		});
		return this;
	}

	String output() {
		try {
			return Files.readString(this.output, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	int port() {
		return group(PORT);
	}

	int managementPort() {
		return group(MANAGEMENT_PORT);
	}

	private int group(Pattern pattern) {
		Matcher matcher = pattern.matcher(output());
		if (!matcher.find()) {
			throw new AssertionError("No " + pattern + " in output:\n" + output());
		}
		return Integer.parseInt(matcher.group(1));
	}

	/**
	 * The pid of each worker id as last reported ready.
	 */
	Map<Integer, Long> readyWorkers() {
		Map<Integer, Long> workers = new LinkedHashMap<>();
		Matcher matcher = READY.matcher(output());
		while (matcher.find()) {
			workers.put(Integer.valueOf(matcher.group(1)), Long.valueOf(matcher.group(2)));
		}
		return workers;
	}

	/**
	 * The pids of the ready workers, as the cluster endpoint reports them.
	 */
	List<Long> readyPids() throws IOException {
		String status = Http.get(managementPort(), "/actuator/cluster").body();
		List<Long> pids = new ArrayList<>();
		Matcher ready = READY_PID.matcher(status.replaceAll("\"reload\":.*", ""));
		while (ready.find()) {
			pids.add(Long.valueOf(ready.group(1)));
		}
		return pids;
	}

	/**
	 * The pid of a worker id's ready process, as the cluster endpoint reports it.
	 */
	long readyPid(int workerId) throws IOException {
		String status = Http.get(managementPort(), "/actuator/cluster").body();
		Matcher ready = Pattern.compile("\"id\":" + workerId + ",\"pid\":(\\d+),\"state\":\"ready\"").matcher(status);
		if (!ready.find()) {
			throw new AssertionError("No ready worker " + workerId + " in " + status);
		}
		return Long.parseLong(ready.group(1));
	}

	Process process() {
		return this.process;
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * Every live process of this launch other than the primary: its workers.
	 */
	List<ProcessHandle> workerProcesses() {
		return ProcessHandle.allProcesses()
			.filter((handle) -> handle.pid() != this.process.pid())
			.filter((handle) -> commandLine(handle).contains(markerArgument(this.marker)))
			// The run that makes the workers' class data archive is no worker.
			.filter((handle) -> commandLine(handle).stream()
				.noneMatch((argument) -> argument.startsWith("-Dboot-cluster.training-for=")))
			.toList();
	}

	/**
	 * A process's full command line, read from {@code /proc}: {@code ProcessHandle.Info}
	 * gives nothing for a command line as long as a class path launch's.
	 */
	static List<String> commandLine(ProcessHandle process) {
		try {
			byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "cmdline"));
			return Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	/**
	 * The nice value of every thread of a process that still run.
	 */
	static List<Integer> niceOfEveryThread(long pid) throws IOException {
		return niceOfThreads(pid, (name) -> true);
	}

	/**
	 * The nice value of the threads of a process that still run and whose name (as Linux
	 * keeps it, 15 characters) matches.
	 */
	static List<Integer> niceOfThreads(long pid, Predicate<String> name) throws IOException {
		try (Stream<Path> threads = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
			return threads.filter((thread) -> name.test(threadName(thread)))
				.map((thread) -> niceOf(thread.resolve("stat")))
				.flatMap(Optional::stream)
				.toList();
		}
	}

	private static String threadName(Path thread) {
		try {
			return Files.readString(thread.resolve("comm")).strip();
		}
		catch (IOException ex) {
			return "";
		}
	}

	/**
	 * The nice value in a {@code /proc} stat file (field 19), if the process or thread
	 * still runs.
	 */
	static Optional<Integer> niceOf(Path stat) {
		try {
			String line = Files.readString(stat);
			return Optional.of(Integer.valueOf(line.substring(line.lastIndexOf(')') + 2).split(" ")[16]));
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	/**
	 * The CPUs a process or thread may run on ({@code Cpus_allowed_list} in its
	 * {@code /proc} status file), if it still runs.
	 */
	static Optional<List<Integer>> cpusAllowed(Path status) {
		List<String> lines;
		try {
			lines = Files.readAllLines(status);
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		String list = lines.stream()
			.filter((line) -> line.startsWith("Cpus_allowed_list:"))
			.map((line) -> line.substring(line.indexOf(':') + 1).trim())
			.findFirst()
			.orElseThrow();
		return Optional.of(IntStream.of(CpuSet.parse(list)).boxed().toList());
	}

	/**
	 * Signal a worker while new connections keep arriving, and go on until its
	 * replacement is ready and has served more requests.
	 * @param workerId the worker to signal
	 * @param signal the signal, such as {@code TERM} or {@code KILL}
	 * @param threads load threads, each with at most one connection open
	 * @return the stopped load, with its failures
	 */
	LoadGenerator signalUnderLoad(int workerId, String signal, int threads) {
		long pid = readyWorkers().get(workerId);
		try (LoadGenerator load = new LoadGenerator(port(), "/api/whoami", threads, 200_000, Duration.ofSeconds(60))) {
			await().atMost(Duration.ofSeconds(10)).until(() -> load.succeeded() > 200);
			signal(pid, signal);
			await().atMost(STARTUP).until(() -> readyWorkers().get(workerId) != pid);
			int afterReplacement = load.succeeded();
			await().atMost(Duration.ofSeconds(10)).until(() -> load.succeeded() > afterReplacement + 200);
			return load.stop();
		}
	}

	/**
	 * Whether a process has ended. An orphan that exited stays a zombie until the
	 * system's init process reaps it; it holds no socket and no memory, so it counts as
	 * ended.
	 */
	static boolean hasExited(ProcessHandle process) {
		if (!process.isAlive()) {
			return true;
		}
		try {
			String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
			return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
		}
		catch (IOException ex) {
			return true;
		}
	}

	void signal(long pid, String signal) {
		try {
			Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
			if (kill.waitFor() != 0) {
				throw new AssertionError("kill -" + signal + " " + pid + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	int awaitExit(Duration timeout) {
		await("primary exit").atMost(timeout).until(() -> !this.process.isAlive());
		return this.process.exitValue();
	}

	@Override
	public void close() {
		List<ProcessHandle> workers = workerProcesses();
		this.process.destroyForcibly();
		workers.forEach(ProcessHandle::destroyForcibly);
		try {
			Files.deleteIfExists(this.output);
		}
		catch (IOException ex) {
			// Left in the temporary directory.
		}
	}

}
