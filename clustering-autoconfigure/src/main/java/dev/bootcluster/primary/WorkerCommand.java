package dev.bootcluster.primary;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The command line that starts a worker: the primary's own launch (its {@code java}
 * binary, JVM options, {@code -jar} or class path and main class, program arguments) with
 * the worker's JVM options added after the primary's.
 *
 * @param java the java binary
 * @param jvmOptions the primary's JVM options
 * @param target {@code -jar app.jar} or {@code -cp path main.Class}
 * @param programArgs the program arguments
 */
record WorkerCommand(String java, List<String> jvmOptions, List<String> target, List<String> programArgs) {

	private static final Log logger = LogFactory.getLog(WorkerCommand.class);

	/**
	 * Environment variables whose content the JVM already merged into its options: a
	 * worker must not receive them twice.
	 */
	static final List<String> MERGED_ENVIRONMENT = List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS");

	/**
	 * Describe how this JVM was launched.
	 * @param programArgs the program arguments as the application received them
	 * @return the command
	 */
	static WorkerCommand ofCurrentProcess(String[] programArgs) {
		String java = ProcessHandle.current()
			.info()
			.command()
			.orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
		List<String> jvmOptions = new ArrayList<>();
		for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
			if (option.startsWith("-agentlib:jdwp") || option.startsWith("-Xrunjdwp")) {
				logger.info("Workers are started without the debugger option " + option
						+ " (its port can be bound only once); use app.cluster.worker.jvm-args to debug one worker");
				continue;
			}
			jvmOptions.add(option);
		}
		return new WorkerCommand(java, jvmOptions,
				target(System.getProperty("sun.java.command", ""), System.getProperty("java.class.path", "")),
				Arrays.asList(programArgs));
	}

	static List<String> target(String javaCommand, String classPath) {
		if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)
				&& (javaCommand.equals(classPath) || javaCommand.startsWith(classPath + " "))) {
			return List.of("-jar", classPath);
		}
		String mainClass = javaCommand.split(" ", 2)[0];
		if (mainClass.isEmpty()) {
			throw new IllegalStateException("Cannot tell how this JVM was launched (no sun.java.command)");
		}
		return List.of("-cp", classPath, mainClass);
	}

	/**
	 * The same launch, running another jar.
	 * @param jar the jar for {@code -jar}
	 * @return the command
	 */
	WorkerCommand withJar(Path jar) {
		return new WorkerCommand(this.java, this.jvmOptions, List.of("-jar", jar.toString()), this.programArgs);
	}

	/**
	 * The full command for one worker.
	 * @param workerOptions options added after the primary's JVM options
	 * @return the command line
	 */
	List<String> commandLine(List<String> workerOptions) {
		List<String> command = new ArrayList<>();
		command.add(this.java);
		command.addAll(this.jvmOptions);
		command.addAll(workerOptions);
		command.addAll(this.target);
		command.addAll(this.programArgs);
		return command;
	}

}
