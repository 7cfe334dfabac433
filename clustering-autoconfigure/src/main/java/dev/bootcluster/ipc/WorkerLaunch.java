package dev.bootcluster.ipc;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * What the primary tells a worker through environment variables: who it is, where the
 * primary listens for it and which ports it serves. Their presence is what makes a JVM a
 * worker.
 *
 * @param workerId the stable worker id, 0 to workerCount - 1
 * @param workerCount the number of workers
 * @param ipcSocket the primary's IPC socket
 * @param secret the run's secret, proving the worker was started by this primary
 * @param port the shared port the inherited socket listens on
 * @param managementPort the management port, or {@code null} when it is not separate
 * @param primaryPid the primary's process id
 * @param cpus the CPUs the worker moves to before it takes connections, in the kernel's
 * list format ({@code 0-1,4}), or {@code null} to stay on all of the primary's
 * @param connectionTable the table the workers balance their connections with, or
 * {@code null}
 * @param connectionSlot this worker's slot in that table
 * @param sharedCores the cores of the primary that this worker shares with the others
 * when it is not pinned, which its default {@code @Offload} pool counts so that a core
 * one worker leaves idle can run another's work; {@code null} to count the cores its own
 * JVM counts (a pinned worker, or {@code -XX:ActiveProcessorCount} chosen for the
 * workers)
 * @param start why the worker starts, which decides whether its start may take longer to
 * warm up
 */
public record WorkerLaunch(int workerId, int workerCount, Path ipcSocket, String secret, int port,
		@Nullable Integer managementPort, long primaryPid, @Nullable String cpus, @Nullable Path connectionTable,
		int connectionSlot, @Nullable Integer sharedCores, Start start) {

	static final String WORKER_ID = "BOOT_CLUSTER_WORKER_ID";

	static final String WORKER_COUNT = "BOOT_CLUSTER_WORKER_COUNT";

	static final String IPC_SOCKET = "BOOT_CLUSTER_IPC_SOCKET";

	static final String SECRET = "BOOT_CLUSTER_SECRET";

	static final String PORT = "BOOT_CLUSTER_PORT";

	static final String MANAGEMENT_PORT = "BOOT_CLUSTER_MANAGEMENT_PORT";

	static final String PRIMARY_PID = "BOOT_CLUSTER_PRIMARY_PID";

	static final String CPUS = "BOOT_CLUSTER_CPUS";

	static final String CONNECTION_TABLE = "BOOT_CLUSTER_CONNECTION_TABLE";

	static final String CONNECTION_SLOT = "BOOT_CLUSTER_CONNECTION_SLOT";

	static final String SHARED_CORES = "BOOT_CLUSTER_SHARED_CORES";

	static final String START = "BOOT_CLUSTER_START";

	/**
	 * Read the worker's launch from its environment variables.
	 * @param env the environment variables
	 * @return the launch, empty when this JVM is not a worker
	 */
	public static Optional<WorkerLaunch> fromEnvironment(Map<String, String> env) {
		String id = env.get(WORKER_ID);
		if (id == null) {
			return Optional.empty();
		}
		String managementPort = env.get(MANAGEMENT_PORT);
		String connectionTable = env.get(CONNECTION_TABLE);
		String sharedCores = env.get(SHARED_CORES);
		return Optional.of(new WorkerLaunch(Integer.parseInt(id), Integer.parseInt(env.get(WORKER_COUNT)),
				Path.of(env.get(IPC_SOCKET)), env.get(SECRET), Integer.parseInt(env.get(PORT)),
				(managementPort != null) ? Integer.valueOf(managementPort) : null, Long.parseLong(env.get(PRIMARY_PID)),
				env.get(CPUS), (connectionTable != null) ? Path.of(connectionTable) : null,
				(connectionTable != null) ? Integer.parseInt(env.get(CONNECTION_SLOT)) : -1,
				(sharedCores != null) ? Integer.valueOf(sharedCores) : null,
				Start.valueOf(env.getOrDefault(START, Start.ADDING.name()))));
	}

	/**
	 * The launch of this JVM, if it is a worker.
	 * @return the launch, empty when this JVM is not a worker
	 */
	public static Optional<WorkerLaunch> current() {
		return fromEnvironment(System.getenv());
	}

	/**
	 * The environment variables that pass this launch to a worker.
	 * @return the variables
	 */
	public Map<String, String> toEnvironment() {
		Map<String, String> env = new LinkedHashMap<>();
		env.put(WORKER_ID, String.valueOf(this.workerId));
		env.put(WORKER_COUNT, String.valueOf(this.workerCount));
		env.put(IPC_SOCKET, this.ipcSocket.toString());
		env.put(SECRET, this.secret);
		env.put(PORT, String.valueOf(this.port));
		if (this.managementPort != null) {
			env.put(MANAGEMENT_PORT, String.valueOf(this.managementPort));
		}
		env.put(PRIMARY_PID, String.valueOf(this.primaryPid));
		if (this.cpus != null) {
			env.put(CPUS, this.cpus);
		}
		if (this.connectionTable != null) {
			env.put(CONNECTION_TABLE, this.connectionTable.toString());
			env.put(CONNECTION_SLOT, String.valueOf(this.connectionSlot));
		}
		if (this.sharedCores != null) {
			env.put(SHARED_CORES, String.valueOf(this.sharedCores));
		}
		env.put(START, this.start.name());
		return env;
	}

	/**
	 * Why a worker starts.
	 */
	public enum Start {

		/**
		 * One of the cluster's first workers: launched before the cluster was ready for
		 * the first time, while no worker was ready, and not to restart one that served.
		 * A longer start delays the cluster's readiness but takes no capacity it had.
		 */
		FIRST,

		/**
		 * It adds capacity to a cluster that served: a scale-up, a restart, the
		 * replacement of a hung worker.
		 */
		ADDING,

		/**
		 * It replaces a worker that still serves (a reload, a recycled worker), so that a
		 * longer start costs no capacity.
		 */
		REPLACING

	}

}
