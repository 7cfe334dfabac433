package dev.bootcluster.primary;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.IpcServer;
import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.os.CpuSet;

/**
 * Forks the JVM for a worker id: the primary's own launch command with the workers' JVM
 * options, the shared socket as its standard input, and the launch environment that tells
 * it who it is, where the primary listens and which CPUs and connection slot are its own.
 */
final class ProcessLauncher implements WorkerLauncher {

	private final WorkerCommand command;

	private final List<String> workerOptions;

	private final IpcServer ipc;

	private final int port;

	private final @Nullable Integer managementPort;

	private final @Nullable CpuAffinity affinity;

	private final @Nullable ConnectionSlots connections;

	private final @Nullable ClassDataSharing classData;

	private final @Nullable GentleStart gentleStart;

	private final @Nullable UrgentStart urgentStart;

	private final @Nullable Integer sharedCores;

	private final long primaryPid = ProcessHandle.current().pid();

	ProcessLauncher(WorkerCommand command, List<String> workerOptions, IpcServer ipc, int port,
			@Nullable Integer managementPort, @Nullable CpuAffinity affinity, @Nullable ConnectionSlots connections,
			@Nullable ClassDataSharing classData, @Nullable GentleStart gentleStart, @Nullable UrgentStart urgentStart,
			@Nullable Integer sharedCores) {
		this.classData = classData;
		this.urgentStart = urgentStart;
		this.sharedCores = sharedCores;
		this.gentleStart = gentleStart;
		this.command = command;
		this.workerOptions = workerOptions;
		this.ipc = ipc;
		this.port = port;
		this.managementPort = managementPort;
		this.affinity = affinity;
		this.connections = connections;
	}

	@Override
	public WorkerHandle launch(int workerId, int workerCount, WorkerLaunch.Start start) throws IOException {
		ConnectionSlots connections = this.connections;
		int slot = (connections != null) ? connections.allocate() : -1;
		String cpus = cpus(workerId, workerCount);
		WorkerLaunch launch = new WorkerLaunch(workerId, workerCount, this.ipc.getSocketPath(), this.ipc.getSecret(),
				this.port, this.managementPort, this.primaryPid, cpus,
				(connections != null && slot >= 0) ? connections.table().file() : null, slot,
				(cpus != null) ? null : this.sharedCores, start);
		WorkerHandle worker;
		try {
			List<String> commandLine = commandLine();
			GentleStart gentleStart = this.gentleStart;
			worker = WorkerProcess.start((start == WorkerLaunch.Start.REPLACING && gentleStart != null)
					? gentleStart.wrap(commandLine) : commandLine, launch.toEnvironment());
		}
		catch (IOException | RuntimeException ex) {
			release(slot);
			throw ex;
		}
		worker.onExit().whenComplete((code, failure) -> release(slot));
		return worker;
	}

	@Override
	public boolean startsGently() {
		return this.gentleStart != null;
	}

	@Override
	public boolean startUrgently(WorkerHandle worker, String description) {
		if (this.urgentStart == null) {
			return false;
		}
		this.urgentStart.raisePriority(worker.pid(), description);
		return true;
	}

	@Override
	public boolean normalPriority(WorkerHandle worker, String description) {
		if (this.gentleStart != null) {
			return this.gentleStart.normalPriority(worker.pid(), description);
		}
		return this.urgentStart != null && this.urgentStart.normalPriority(worker.pid(), description);
	}

	@Override
	public boolean raisePriority(WorkerHandle worker, String description, int niceValues, String why) {
		return this.gentleStart != null && this.gentleStart.raisePriority(worker.pid(), description, niceValues, why);
	}

	@Override
	public void settled() {
		if (this.classData != null) {
			this.classData.prepare();
		}
	}

	/**
	 * The primary's launch with the workers' options, from the class data archive of the
	 * jar's current content when there is one.
	 */
	private List<String> commandLine() {
		ClassDataSharing.Launch shared = (this.classData != null) ? this.classData.launch() : null;
		if (shared == null) {
			return this.command.commandLine(this.workerOptions);
		}
		List<String> options = new ArrayList<>(this.workerOptions);
		options.addAll(shared.options());
		return this.command.withJar(shared.jar()).commandLine(options);
	}

	private @Nullable String cpus(int workerId, int workerCount) {
		int[] cpus = (this.affinity != null) ? this.affinity.cpusFor(workerId, workerCount) : null;
		return (cpus != null) ? CpuSet.list(cpus) : null;
	}

	private void release(int slot) {
		if (this.connections != null) {
			this.connections.release(slot);
		}
	}

}
