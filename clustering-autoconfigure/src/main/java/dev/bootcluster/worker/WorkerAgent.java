package dev.bootcluster.worker;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

import dev.bootcluster.affinity.CpuSet;
import dev.bootcluster.autoconfigure.ClusterPropertiesBinder;
import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.IpcClient;
import dev.bootcluster.ipc.IpcMessage;
import dev.bootcluster.launch.WorkerLaunch;
import dev.bootcluster.server.AcceptGate;
import dev.bootcluster.server.ConnectionBalance;

/**
 * A worker's link to its primary: reports readiness, shutdown and heartbeats, carries
 * operators' requests, and ends the worker when the primary is gone so that no orphan
 * keeps serving the shared port.
 */
public final class WorkerAgent implements ApplicationListener<ApplicationEvent>, ClusterClient {

	private static final Log logger = LogFactory.getLog(WorkerAgent.class);

	/** How long an orphaned worker may spend shutting down before it halts. */
	private static final long ORPHAN_EXIT_MILLIS = 1500;

	private static final long PARENT_CHECK_MILLIS = 250;

	private static final long HEARTBEAT_MILLIS = 2000;

	private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

	private final Map<String, CompletableFuture<IpcMessage>> pending = new ConcurrentHashMap<>();

	private final AtomicLong requestIds = new AtomicLong();

	private final AtomicLong requestsServed = new AtomicLong();

	private final WorkerLaunch launch;

	private volatile @Nullable IpcClient client;

	private volatile boolean exiting;

	private final AtomicBoolean warmupStarted = new AtomicBoolean();

	private WorkerAgent(WorkerLaunch launch) {
		this.launch = launch;
	}

	/**
	 * Connect to the primary and start watching it.
	 * @param launch what the primary passed to this worker
	 * @return the running agent
	 */
	public static WorkerAgent start(WorkerLaunch launch) {
		WorkerAgent agent = new WorkerAgent(launch);
		joinConnectionBalance(launch);
		IpcMessage hello = IpcMessage.of(IpcMessage.Type.HELLO)
			.with("secret", launch.secret())
			.with("worker-id", launch.workerId())
			.with("pid", ProcessHandle.current().pid())
			.build();
		try {
			agent.client = IpcClient.connect(launch.ipcSocket(), hello, agent::onMessage, agent::primaryGone);
		}
		catch (IOException ex) {
			agent.primaryGone();
		}
		Thread watcher = new Thread(agent::watchParent, "cluster-primary-watch");
		watcher.setDaemon(true);
		watcher.start();
		Thread heartbeat = new Thread(agent::heartbeats, "cluster-heartbeat");
		heartbeat.setDaemon(true);
		heartbeat.start();
		return agent;
	}

	private static void joinConnectionBalance(WorkerLaunch launch) {
		Path table = launch.connectionTable();
		if (table == null) {
			return;
		}
		try {
			AcceptGate.inheritedSocket().balanceWith(ConnectionBalance.open(table, launch.connectionSlot()));
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Taking connections unbalanced: cannot open " + table + " (" + ex + ")");
		}
	}

	/**
	 * Count one request served by this worker, for the cluster status.
	 */
	public void requestServed() {
		this.requestsServed.incrementAndGet();
	}

	@Override
	public ClusterStatus status() {
		return ClusterStatus.fromAttributes(request("status").attributes());
	}

	@Override
	public ReloadTicket reload() {
		IpcMessage answer = request("reload");
		return new ReloadTicket(answer.require("reload-id"), Boolean.parseBoolean(answer.get("new")));
	}

	@Override
	public Scaling scale(String instances) {
		IpcMessage answer = request("scale", "instances", instances);
		return new Scaling(Integer.parseInt(answer.require("from")), Integer.parseInt(answer.require("to")));
	}

	private IpcMessage request(String action, String... attributes) {
		String id = String.valueOf(this.requestIds.incrementAndGet());
		IpcMessage.Builder request = IpcMessage.of(IpcMessage.Type.REQUEST).with("request", id).with("action", action);
		for (int i = 0; i < attributes.length; i += 2) {
			request.with(attributes[i], attributes[i + 1]);
		}
		CompletableFuture<IpcMessage> answer = new CompletableFuture<>();
		this.pending.put(id, answer);
		try {
			send(request.build());
			IpcMessage response = answer.get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			String error = response.get("error");
			if (error != null) {
				throw new ClusterOperationException(error, true);
			}
			return response;
		}
		catch (TimeoutException ex) {
			throw new ClusterOperationException(
					"The primary did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s", false);
		}
		catch (ExecutionException ex) {
			throw new ClusterOperationException("The primary could not answer: " + ex.getCause(), false);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ClusterOperationException("Interrupted while waiting for the primary", false);
		}
		finally {
			this.pending.remove(id);
		}
	}

	private void onMessage(IpcMessage message) {
		if (message.type() == IpcMessage.Type.RESPONSE) {
			CompletableFuture<IpcMessage> answer = this.pending.get(String.valueOf(message.get("request")));
			if (answer != null) {
				answer.complete(message);
			}
		}
	}

	private void heartbeats() {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		while (!this.exiting) {
			MemoryUsage heap = memory.getHeapMemoryUsage();
			send(IpcMessage.of(IpcMessage.Type.HEARTBEAT)
				.with("heap-used", heap.getUsed())
				.with("heap-max", heap.getMax())
				.with("rss", ResidentMemory.bytes())
				.with("requests", this.requestsServed.get())
				.build());
			try {
				TimeUnit.MILLISECONDS.sleep(HEARTBEAT_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof AvailabilityChangeEvent<?> change
				&& change.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
			if (this.warmupStarted.compareAndSet(false, true)) {
				Thread warmup = new Thread(() -> takeTraffic(change.getSource()), "cluster-warmup");
				warmup.setDaemon(true);
				warmup.start();
			}
			else {
				send(IpcMessage.of(IpcMessage.Type.READY).build());
			}
		}
		else if (event instanceof ContextClosedEvent) {
			send(IpcMessage.of(IpcMessage.Type.STOPPING).build());
		}
	}

	/**
	 * Warm up if configured, then take connections from the shared port and tell the
	 * primary: a replaced worker is drained only after this one serves.
	 */
	private void takeTraffic(Object eventSource) {
		if (eventSource instanceof ConfigurableApplicationContext context) {
			WebServer webServer = (context instanceof WebServerApplicationContext web) ? web.getWebServer() : null;
			WorkerWarmup.run(ClusterPropertiesBinder.bind(context.getEnvironment()).getWorker().getWarmup(), webServer);
		}
		moveToOwnCpus();
		AcceptGate.inheritedSocket().open();
		send(IpcMessage.of(IpcMessage.Type.READY).build());
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

	private void send(IpcMessage message) {
		IpcClient client = this.client;
		if (client != null) {
			client.send(message);
		}
	}

	private void watchParent() {
		while (!this.exiting) {
			Optional<ProcessHandle> parent = ProcessHandle.current().parent();
			if (parent.map(ProcessHandle::pid).orElse(-1L) != this.launch.primaryPid()) {
				primaryGone();
				return;
			}
			try {
				TimeUnit.MILLISECONDS.sleep(PARENT_CHECK_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private synchronized void primaryGone() {
		if (this.exiting) {
			return;
		}
		this.exiting = true;
		logger.warn(
				"Primary (pid " + this.launch.primaryPid() + ") is gone; worker " + this.launch.workerId() + " exits");
		Thread halter = new Thread(() -> {
			try {
				TimeUnit.MILLISECONDS.sleep(ORPHAN_EXIT_MILLIS);
			}
			catch (InterruptedException ex) {
				// Halt now.
			}
			Runtime.getRuntime().halt(1);
		}, "cluster-orphan-halt");
		halter.setDaemon(true);
		halter.start();
		Thread exiter = new Thread(() -> System.exit(1), "cluster-orphan-exit");
		exiter.start();
	}

}
