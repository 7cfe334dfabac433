package dev.bootcluster.worker;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.web.server.WebServer;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.os.CpuSet;
import dev.bootcluster.server.AcceptGate;
import dev.bootcluster.server.RequestThreads;

/**
 * What a worker does between its application accepting traffic and the primary counting
 * it ready: warm up if configured, move to its own CPUs if it has some, open the accept
 * gate on the shared port, and only then say {@link ClusterMessage.Ready}, so a replaced
 * worker is drained only once this one serves; one of the cluster's first workers then
 * gives its JIT compiler a head start ({@link CompilerHeadStart}).
 */
final class WorkerReadiness {

	private static final Log logger = LogFactory.getLog(WorkerReadiness.class);

	private final WorkerLaunch launch;

	private final ClusterProperties.Warmup warmup;

	private final PrimaryConnection connection;

	private final Heartbeats heartbeats;

	private final AtomicBoolean started = new AtomicBoolean();

	private volatile boolean done;

	private volatile WorkerWarmup.@Nullable ManagementServer managementServer;

	WorkerReadiness(WorkerLaunch launch, ClusterProperties.Warmup warmup, PrimaryConnection connection,
			Heartbeats heartbeats) {
		this.launch = launch;
		this.warmup = warmup;
		this.connection = connection;
		this.heartbeats = heartbeats;
	}

	/**
	 * The private management server the primary hands management connections to.
	 * @param server its port and the path of its {@code ping} health indicator
	 */
	void managementServer(WorkerWarmup.ManagementServer server) {
		this.managementServer = server;
	}

	/**
	 * The application accepts traffic: the first time, run the sequence on a thread of
	 * its own, so the application's event thread goes on; later (after the application
	 * refused traffic for a while), say ready again once the sequence is done.
	 * @param webServer the worker's web server, if it has one
	 */
	void acceptingTraffic(@Nullable WebServer webServer) {
		if (this.started.compareAndSet(false, true)) {
			Thread thread = new Thread(() -> takeTraffic(webServer), "cluster-warmup");
			thread.setDaemon(true);
			thread.start();
		}
		else if (this.done) {
			this.connection.send(new ClusterMessage.Ready(managementPort()));
		}
	}

	private void takeTraffic(@Nullable WebServer webServer) {
		WorkerWarmup.run(this.warmup, webServer, this.launch.start(), this.managementServer);
		moveToOwnCpus();
		this.heartbeats.watch(RequestThreads.of(webServer));
		AcceptGate.inheritedSocket().open();
		this.done = true;
		this.connection.send(new ClusterMessage.Ready(managementPort()));
		if (this.launch.start() == WorkerLaunch.Start.FIRST) {
			// Only the first workers, the case measured: the primary returns a
			// replacement or an urgent restart to its own nice value once it is ready,
			// which would end a head start early.
			CompilerHeadStart.begin(this.warmup.getCompilerHeadStart());
		}
	}

	/**
	 * Start-up ran on all of the primary's CPUs; serve on the ones the primary gave this
	 * worker, if any ({@code app.cluster.worker.cpu-affinity}).
	 */
	private void moveToOwnCpus() {
		String cpus = this.launch.cpus();
		if (cpus == null) {
			return;
		}
		try {
			int[] own = CpuSet.parse(cpus);
			CpuSet.pinThisProcess(own);
			logger.info("Serving on CPU" + ((own.length > 1) ? "s " : " ") + cpus);
		}
		catch (IOException | RuntimeException | LinkageError ex) {
			// Such as a cpuset shrunk since the primary started: serve anyway.
			logger.warn("Serving on all CPUs: cannot move to CPUs " + cpus + " (" + ex.getMessage() + ")");
		}
	}

	private int managementPort() {
		WorkerWarmup.ManagementServer server = this.managementServer;
		return (server != null) ? server.port() : 0;
	}

}
