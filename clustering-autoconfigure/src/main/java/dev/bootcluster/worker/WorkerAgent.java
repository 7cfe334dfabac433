package dev.bootcluster.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.config.ClusterPropertiesBinder;
import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.ConnectionTable;
import dev.bootcluster.ipc.MetricsFormat;
import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.os.CpuSet;
import dev.bootcluster.scheduling.SingletonGate;
import dev.bootcluster.server.AcceptGate;
import dev.bootcluster.server.ConnectionBalance;

/**
 * A worker's side of the cluster, started as soon as the worker's environment is ready:
 * the {@link PrimaryConnection}, the {@link PrimaryWatch} that ends an orphan, the
 * {@link Heartbeats}, and, once the application accepts traffic, the
 * {@link WorkerReadiness} sequence.
 */
public final class WorkerAgent implements ApplicationListener<ApplicationEvent> {

	private static final Log logger = LogFactory.getLog(WorkerAgent.class);

	/**
	 * The agent of this JVM. A worker is a process: an application that runs several
	 * contexts through SpringApplication (a parent and a child) still has one connection
	 * to the primary.
	 */
	private static @Nullable WorkerAgent running;

	private static final String MANAGEMENT = "management";

	private final PrimaryConnection connection;

	private final Heartbeats heartbeats;

	private final WorkerReadiness readiness;

	private final SingletonJobs singletonJobs;

	private final WorkerMetrics metrics;

	private final AtomicBoolean stopping = new AtomicBoolean();

	private WorkerAgent(ClusterProperties properties, WorkerLaunch launch, PrimaryConnection connection,
			Heartbeats heartbeats, SingletonJobs singletonJobs, WorkerMetrics metrics) {
		this.singletonJobs = singletonJobs;
		this.metrics = metrics;
		this.connection = connection;
		this.heartbeats = heartbeats;
		this.readiness = new WorkerReadiness(launch, properties.getWorker().getWarmup(), connection, heartbeats);
	}

	/**
	 * Connect to the primary and start watching it.
	 * @param launch what the primary passed to this worker
	 * @param properties {@code app.cluster.*}, bound once at launch
	 * @return the running agent
	 */
	public static synchronized WorkerAgent start(WorkerLaunch launch, ClusterProperties properties) {
		if (running == null) {
			running = connect(launch, properties);
		}
		return running;
	}

	private static WorkerAgent connect(WorkerLaunch launch, ClusterProperties properties) {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "cluster-worker");
			thread.setDaemon(true);
			return thread;
		});
		joinConnectionBalance(launch, properties.getWorker());
		PrimaryWatch watch = new PrimaryWatch(launch);
		SingletonJobs singletonJobs = new SingletonJobs();
		WorkerMetrics metrics = new WorkerMetrics();
		PrimaryConnection connection = PrimaryConnection.open(launch, watch::primaryGone,
				(command) -> obey(command, singletonJobs, metrics), properties.getMetrics().getScrapeTimeout());
		metrics.reportTo(connection);
		singletonJobs.reportTo(connection);
		watch.start(scheduler);
		Heartbeats heartbeats = new Heartbeats(connection);
		heartbeats.start(scheduler);
		return new WorkerAgent(properties, launch, connection, heartbeats, singletonJobs, metrics);
	}

	private static void obey(ClusterMessage command, SingletonJobs singletonJobs, WorkerMetrics metrics) {
		if (command instanceof ClusterMessage.ScrapeRequest scrape) {
			metrics.scrape(scrape);
		}
		else if (command instanceof ClusterMessage.StopAccepting) {
			logger.warn("The primary found this worker hung and is replacing it: taking no more connections");
			AcceptGate.inheritedSocket().close();
		}
		else {
			singletonJobs.accept(command);
		}
	}

	private static void joinConnectionBalance(WorkerLaunch launch, ClusterProperties.Worker settings) {
		Path table = launch.connectionTable();
		if (table == null) {
			return;
		}
		Duration slowStart = slowStart(launch, settings);
		int[] ownCpus = settings.isCpuAwareBalance() ? ownCpus(launch) : null;
		try {
			ConnectionTable connections = ConnectionTable.open(table);
			int slot = launch.connectionSlot();
			boolean handsBack = settings.isHandBackConnections();
			AcceptGate.inheritedSocket()
				.balanceWith((ownCpus != null) ? new ConnectionBalance(connections, slot, handsBack, slowStart, ownCpus)
						: new ConnectionBalance(connections, slot, handsBack, slowStart));
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Taking connections unbalanced: cannot open " + table + " (" + ex + ")");
			return;
		}
		if (!slowStart.isZero()) {
			logger.info("Once ready, this worker holds fewer connections than the others for "
					+ ClusterPropertiesBinder.display(slowStart)
					+ ", a quarter as many at first (app.cluster.worker.slow-start)");
		}
	}

	/**
	 * The CPUs the primary pins this worker to, if any ({@code cpu-affinity}); the
	 * balance checks that the worker runs on them before it measures them.
	 */
	private static int @Nullable [] ownCpus(WorkerLaunch launch) {
		String cpus = launch.cpus();
		try {
			return (cpus != null) ? CpuSet.parse(cpus) : null;
		}
		catch (IllegalArgumentException ex) {
			// Moving to them fails the same way, and the worker serves on all CPUs.
			return null;
		}
	}

	/**
	 * The slow start of a worker that joins workers that serve: none for the first
	 * workers, which start together, none of them compiled, nor for the restart of a
	 * cluster's only worker, which has no other to leave connections to.
	 */
	static Duration slowStart(WorkerLaunch launch, ClusterProperties.Worker settings) {
		boolean joinsServingWorkers = switch (launch.start()) {
			case FIRST -> false;
			case ADDING -> launch.workerCount() > 1;
			case REPLACING -> true;
		};
		return joinsServingWorkers ? settings.getSlowStart() : Duration.ZERO;
	}

	/**
	 * The client operators' requests go through: to the primary, for the whole cluster.
	 * @return the client
	 */
	public ClusterClient client() {
		return this.connection;
	}

	/**
	 * The gate of this worker's {@code @ClusterSingleton} methods, which the primary
	 * opens for one worker at a time.
	 * @return the gate
	 */
	public SingletonGate singletonGate() {
		return this.singletonJobs.gate();
	}

	/**
	 * Where this worker's own metrics come from, for the cluster's scrapes.
	 * @param source writes this worker's metrics in a format
	 */
	public void exposeMetrics(Function<MetricsFormat, String> source) {
		this.metrics.source(source);
	}

	/**
	 * Count one request served by this worker, for the cluster status.
	 */
	public void requestServed() {
		this.heartbeats.requestServed();
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof WebServerInitializedEvent initialized
				&& MANAGEMENT.equals(initialized.getApplicationContext().getServerNamespace())) {
			Binder binder = Binder.get(initialized.getApplicationContext().getEnvironment());
			this.readiness.managementServer(WorkerWarmup.ManagementServer.of(initialized.getWebServer().getPort(),
					binder.bind("management.server.base-path", String.class).orElse(""),
					binder.bind("management.endpoints.web.base-path", String.class).orElse("/actuator"),
					binder.bind("management.endpoints.web.path-mapping.health", String.class).orElse("health")));
		}
		else if (event instanceof AvailabilityChangeEvent<?> change
				&& change.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
			this.readiness.acceptingTraffic((change.getSource() instanceof WebServerApplicationContext context)
					? context.getWebServer() : null);
		}
		else if (event instanceof ContextClosedEvent && this.stopping.compareAndSet(false, true)) {
			// Once: the management context's closing reaches this listener too.
			this.connection.send(new ClusterMessage.Stopping());
		}
	}

}
