package dev.bootcluster.primary;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import sun.misc.Signal;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.ConfigurableEnvironment;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.config.InstanceCount;
import dev.bootcluster.ipc.ConnectionTable;
import dev.bootcluster.ipc.IpcServer;
import dev.bootcluster.ipc.RunDirectory;
import dev.bootcluster.os.SharedSocket;
import dev.bootcluster.os.SocketUnavailableException;

/**
 * The JVM the user launched, in cluster mode. It owns the shared listening socket and the
 * IPC channel, forks the workers with its own launch command and supervises them. It runs
 * no user code and never accepts a connection.
 */
public final class Primary {

	private static final Log logger = LogFactory.getLog(Primary.class);

	private final SpringApplication application;

	private final String[] args;

	private final ConfigurableEnvironment environment;

	private final ClusterProperties properties;

	public Primary(SpringApplication application, String[] args, ConfigurableEnvironment environment,
			ClusterProperties properties) {
		this.application = application;
		this.args = args;
		this.environment = environment;
		this.properties = properties;
	}

	/**
	 * Run the cluster until it is stopped.
	 * @return the exit code for this JVM
	 * @throws ClusterStartupException when the cluster cannot start; no worker was forked
	 * @throws InvalidConfigurationPropertyValueException when {@code instances} asks for
	 * more workers than allowed
	 */
	public int run() {
		requireServletApplication();
		int cores = Runtime.getRuntime().availableProcessors();
		WorkerLimit limit = WorkerLimit.forThisMachine(this.properties.getMaxInstances());
		int workers = initialWorkers(cores, limit);
		ServerPorts ports = ServerPorts.bind(this.environment);
		WorkerCommand command = WorkerCommand.ofCurrentProcess(this.args);
		List<String> jvmArgs = this.properties.getWorker().getJvmArgs();
		boolean coresChosen = WorkerJvmOptions.choosesCores(command.jvmOptions(), jvmArgs);
		CpuAffinity affinity = CpuAffinity.choose(this.properties.getWorker().getCpuAffinity(), cores, workers,
				coresChosen);
		SharedSocket socket = listen(ports);
		ManagementProxy management = managementProxy(ports, socket.getPort());
		Integer managementPort = (management != null) ? management.port() : null;
		List<String> workerOptions = WorkerJvmOptions.forWorker(command.jvmOptions(), jvmArgs, cores, workers,
				WorkerJvmOptions.canTrimNativeHeap());
		ClassDataSharing classData = ClassDataSharing.forWorkers(this.properties.getWorker(), command, workerOptions,
				this.properties.getStartupTimeout());
		ClassDataSharing.Launch shared = (classData != null) ? classData.launch() : null;
		GentleStart gentleStart = GentleStart.choose(this.properties.getWorker().isGentleStart());
		UrgentStart urgentStart = UrgentStart.choose(this.properties.getRestart().isUrgent());
		long pid = ProcessHandle.current().pid();
		logger.info("Primary (pid " + pid + ") starting " + workers + " workers on port " + socket.getPort()
				+ " (shared socket" + ((managementPort != null) ? ", management port " + managementPort : "") + "; "
				+ cores + " cores; worker options " + String.join(" ", workerOptions)
				+ ((affinity != null) ? "; " + affinity.describe(workers) : "")
				+ ((shared != null) ? "; class data archive " + shared.describe() : "")
				+ ((gentleStart != null) ? "; replacements start at nice +" + GentleStart.NICE_INCREMENT
						+ " until ready, raised while they starve" : "")
				+ ((urgentStart != null) ? "; restarts of workers that served start at nice -"
						+ UrgentStart.NICE_DECREMENT + " until ready" : "")
				+ ")");
		try (IpcServer ipc = openIpc(); management; ClassDataSharing sharing = classData) {
			ClusterPlan plan = new ClusterPlan(workers, cores, limit, socket.getPort(), managementPort);
			Supervisor supervisor = new Supervisor(this.properties, plan,
					new ProcessLauncher(command, workerOptions, ipc, socket.getPort(), managementPort, affinity,
							connectionSlots(ipc), classData, gentleStart, urgentStart, coresChosen ? null : cores),
					(management != null) ? management::targets : (targets) -> {
					});
			ipc.start(supervisor::onMessage);
			if (management != null) {
				management.start();
			}
			handleSignals(supervisor);
			int exitCode = supervisor.run(ipc::send);
			logger.info("Primary (pid " + pid + ") exits with code " + exitCode);
			return exitCode;
		}
	}

	private int initialWorkers(int cores, WorkerLimit limit) {
		String instances = this.properties.getInstances();
		int workers = InstanceCount.parse((instances != null) ? instances : "max").resolve(cores);
		String tooMany = limit.refusal(workers);
		if (tooMany != null) {
			throw new InvalidConfigurationPropertyValueException("app.cluster.instances", instances, tooMany + ".");
		}
		return workers;
	}

	/**
	 * The table the workers even out their connections with; without it each worker takes
	 * whatever the kernel hands it.
	 */
	private static @Nullable ConnectionSlots connectionSlots(IpcServer ipc) {
		try {
			return new ConnectionSlots(ConnectionTable.create(ipc.privateFile("connections")));
		}
		catch (IOException ex) {
			logger.warn("Workers take connections unbalanced: cannot create the connection table (" + ex + ")");
			return null;
		}
	}

	private void requireServletApplication() {
		WebApplicationType type = this.application.getWebApplicationType();
		if (type != WebApplicationType.SERVLET) {
			throw new ClusterStartupException(
					"Cluster mode serves one shared port from servlet web applications (Spring MVC on Tomcat or Jetty); "
							+ "this application's web application type is " + type + ".",
					"Use spring-boot-starter-webmvc (Tomcat) or Jetty, or remove app.cluster.instances "
							+ "(or set app.cluster.enabled=false) to run a single JVM.");
		}
	}

	private static SharedSocket listen(ServerPorts ports) {
		try {
			return SharedSocket.listenOnStandardInput(ports.address(), ports.port(), ports.backlog());
		}
		catch (SocketUnavailableException ex) {
			throw new ClusterStartupException(ex.getMessage() + "; no worker was started.", ex.isPortInUse()
					? "Stop the program that uses port " + ports.port() + ", or set server.port to another port."
					: "Check server.address and server.port.", ex);
		}
	}

	/**
	 * The management port, shared the way the application port is: the primary owns the
	 * listening socket, so a queued connection never meets a worker that stops.
	 */
	private static @Nullable ManagementProxy managementProxy(ServerPorts ports, int serverPort) {
		Integer port = ports.managementPort();
		if (port == null || port == serverPort || port < 0) {
			return null;
		}
		ServerSocketChannel listener = null;
		try {
			listener = ServerSocketChannel.open();
			listener.bind(new InetSocketAddress(ports.managementAddress(), port), ports.backlog());
			return new ManagementProxy(listener, ManagementProxy.WAIT_FOR_WORKER);
		}
		catch (IOException ex) {
			closeQuietly(listener);
			throw new ClusterStartupException(
					"Management port " + port + " is not available (" + ex.getMessage() + "); no worker was started.",
					"Stop the program that uses port " + port + ", or set management.server.port to another port.", ex);
		}
	}

	private static void closeQuietly(@Nullable ServerSocketChannel channel) {
		try {
			if (channel != null) {
				channel.close();
			}
		}
		catch (IOException ex) {
			// Closed already.
		}
	}

	private static IpcServer openIpc() {
		Path temp = Path.of(System.getProperty("java.io.tmpdir"));
		int removed = RunDirectory.removeStale(temp);
		if (removed > 0) {
			logger.info("Removed " + removed + " cluster directories left in " + temp + " by primaries that are gone");
		}
		try {
			return IpcServer.open(temp);
		}
		catch (IOException ex) {
			throw new ClusterStartupException("Cannot create the channel to the workers: " + ex.getMessage(),
					"Check that java.io.tmpdir is writable and supports Unix domain sockets.", ex);
		}
	}

	private static void handleSignals(Supervisor supervisor) {
		for (String name : List.of("TERM", "INT")) {
			Signal.handle(new Signal(name), (signal) -> {
				logger.info("Received SIG" + signal.getName() + "; shutting down");
				supervisor.requestShutdown();
			});
		}
	}

}
