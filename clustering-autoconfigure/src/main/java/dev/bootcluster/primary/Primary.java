package dev.bootcluster.primary;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import sun.misc.Signal;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.core.env.ConfigurableEnvironment;

import dev.bootcluster.affinity.CpuSet;
import dev.bootcluster.autoconfigure.ClusterProperties;
import dev.bootcluster.autoconfigure.InstanceCount;
import dev.bootcluster.ipc.IpcServer;
import dev.bootcluster.launch.WorkerLaunch;
import dev.bootcluster.server.ConnectionBalance;
import dev.bootcluster.server.SharedSocket;
import dev.bootcluster.server.SocketUnavailableException;

/**
 * The JVM the user launched, in cluster mode. It owns the shared listening socket and the
 * IPC channel, forks the workers with its own launch command and supervises them. It runs
 * no user code and never accepts a connection.
 */
public final class Primary {

	private static final Log logger = LogFactory.getLog(Primary.class);

	private static final int DEFAULT_PORT = 8080;

	private static final int DEFAULT_BACKLOG = 100;

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
	 */
	public int run() {
		requireServletApplication();
		int cores = Runtime.getRuntime().availableProcessors();
		int workers = InstanceCount.parse(this.properties.getInstances()).resolve(cores);
		WorkerCommand command = WorkerCommand.ofCurrentProcess(this.args);
		CpuAffinity affinity = cpuAffinity(cores, workers,
				WorkerJvmOptions.choosesCores(command.jvmOptions(), this.properties.getWorker().getJvmArgs()));
		SharedSocket socket = listen();
		Integer managementPort = managementPort(socket.getPort());
		List<String> workerOptions = WorkerJvmOptions.forWorker(command.jvmOptions(),
				this.properties.getWorker().getJvmArgs(), cores, workers);
		long pid = ProcessHandle.current().pid();
		logger.info("Primary (pid " + pid + ") starting " + workers + " workers on port " + socket.getPort()
				+ " (shared socket" + ((managementPort != null) ? ", management port " + managementPort : "") + "; "
				+ cores + " cores; worker options " + String.join(" ", workerOptions)
				+ ((affinity != null) ? "; " + affinity.describe(workers) : "") + ")");
		try (IpcServer ipc = openIpc()) {
			ConnectionBalance.Table connections = connectionTable(ipc);
			Supervisor.Launcher launcher = (workerId, workerCount) -> {
				int slot = (connections != null) ? connections.allocate() : -1;
				WorkerLaunch launch = new WorkerLaunch(workerId, workerCount, ipc.getSocketPath(), ipc.getSecret(),
						socket.getPort(), managementPort, pid, cpus(affinity, workerId, workerCount),
						(slot >= 0) ? connections.file() : null, slot);
				WorkerHandle worker;
				try {
					worker = WorkerProcess.start(command.commandLine(workerOptions), launch.toEnvironment());
				}
				catch (IOException | RuntimeException ex) {
					release(connections, slot);
					throw ex;
				}
				worker.onExit().whenComplete((code, failure) -> release(connections, slot));
				return worker;
			};
			Supervisor supervisor = new Supervisor(this.properties, workers, launcher,
					new Supervisor.Endpoints(socket.getPort(), managementPort));
			ipc.start(supervisor::onMessage);
			handleSignals(supervisor);
			int exitCode = supervisor.run(ipc::send);
			logger.info("Primary (pid " + pid + ") exits with code " + exitCode);
			return exitCode;
		}
	}

	private @Nullable CpuAffinity cpuAffinity(int cores, int workers, boolean coresChosen) {
		ClusterProperties.CpuAffinity mode = this.properties.getWorker().getCpuAffinity();
		if (mode == ClusterProperties.CpuAffinity.OFF || (mode == ClusterProperties.CpuAffinity.AUTO && workers < 2)) {
			return null;
		}
		int[] allowed;
		try {
			allowed = CpuSet.allowed();
		}
		catch (LinkageError | RuntimeException ex) {
			if (mode == ClusterProperties.CpuAffinity.AUTO) {
				logger.info("Workers share the CPUs: the CPUs this process may use are unknown (" + ex + ")");
				return null;
			}
			throw new ClusterStartupException(
					"app.cluster.worker.cpu-affinity=on needs the Linux C library's sched_getaffinity and "
							+ "sched_setaffinity, which failed here (" + ex + "); no worker was started.",
					"Run on Linux, or set app.cluster.worker.cpu-affinity to auto or off.", ex);
		}
		if (mode == ClusterProperties.CpuAffinity.AUTO) {
			String reason = CpuAffinity.reasonToShare(allowed.length, cores, workers, coresChosen);
			if (reason != null) {
				logger.info("Workers share CPUs " + CpuSet.list(allowed) + " (app.cluster.worker.cpu-affinity=auto: "
						+ reason + ")");
				return null;
			}
		}
		// Scaled to another size, auto's even split no longer holds.
		return new CpuAffinity(allowed, cores / workers,
				(mode == ClusterProperties.CpuAffinity.AUTO) ? Integer.valueOf(workers) : null);
	}

	private static @Nullable String cpus(@Nullable CpuAffinity affinity, int workerId, int workerCount) {
		int[] cpus = (affinity != null) ? affinity.cpusFor(workerId, workerCount) : null;
		return (cpus != null) ? CpuSet.list(cpus) : null;
	}

	/**
	 * The table the workers even out their connections with; without it each worker takes
	 * whatever the kernel hands it.
	 */
	private static ConnectionBalance.@Nullable Table connectionTable(IpcServer ipc) {
		try {
			return ConnectionBalance.Table.create(ipc.privateFile("connections"));
		}
		catch (IOException ex) {
			logger.warn("Workers take connections unbalanced: cannot create the connection table (" + ex + ")");
			return null;
		}
	}

	private static void release(ConnectionBalance.@Nullable Table connections, int slot) {
		if (connections != null && slot >= 0) {
			connections.release(slot);
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

	private SharedSocket listen() {
		int port = this.environment.getProperty("server.port", Integer.class, DEFAULT_PORT);
		InetAddress address = this.environment.getProperty("server.address", InetAddress.class);
		int backlog = this.environment.getProperty("server.tomcat.accept-count", Integer.class, DEFAULT_BACKLOG);
		try {
			return SharedSocket.listenOnStandardInput(address, port, backlog);
		}
		catch (SocketUnavailableException ex) {
			throw new ClusterStartupException(ex.getMessage() + "; no worker was started.",
					ex.isPortInUse()
							? "Stop the program that uses port " + port + ", or set server.port to another port."
							: "Check server.address and server.port.",
					ex);
		}
	}

	private @Nullable Integer managementPort(int serverPort) {
		Integer port = this.environment.getProperty("management.server.port", Integer.class);
		if (port == null || port == serverPort || port < 0) {
			return null;
		}
		InetAddress address = this.environment.getProperty("management.server.address", InetAddress.class);
		try (ServerSocket probe = new ServerSocket()) {
			// Every worker binds the management port itself; make sure it is free (or
			// pick a
			// free one for port 0) before any worker is started.
			probe.bind(new InetSocketAddress(address, port));
			return probe.getLocalPort();
		}
		catch (IOException ex) {
			throw new ClusterStartupException(
					"Management port " + port + " is not available (" + ex.getMessage() + "); no worker was started.",
					"Stop the program that uses port " + port + ", or set management.server.port to another port.", ex);
		}
	}

	private IpcServer openIpc() {
		try {
			return IpcServer.open();
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
