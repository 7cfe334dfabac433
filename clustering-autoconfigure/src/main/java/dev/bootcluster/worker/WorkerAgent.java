package dev.bootcluster.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.ConnectionTable;
import dev.bootcluster.ipc.WorkerLaunch;
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

	private final ClusterProperties properties;

	private final WorkerLaunch launch;

	private final PrimaryConnection connection;

	private final Heartbeats heartbeats;

	private final AtomicBoolean readinessStarted = new AtomicBoolean();

	private final AtomicBoolean stopping = new AtomicBoolean();

	private WorkerAgent(ClusterProperties properties, WorkerLaunch launch, PrimaryConnection connection,
			Heartbeats heartbeats) {
		this.properties = properties;
		this.launch = launch;
		this.connection = connection;
		this.heartbeats = heartbeats;
	}

	/**
	 * Connect to the primary and start watching it.
	 * @param launch what the primary passed to this worker
	 * @param properties {@code app.cluster.*}, bound once at launch
	 * @return the running agent
	 */
	public static WorkerAgent start(WorkerLaunch launch, ClusterProperties properties) {
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "cluster-worker");
			thread.setDaemon(true);
			return thread;
		});
		joinConnectionBalance(launch);
		PrimaryWatch watch = new PrimaryWatch(launch);
		PrimaryConnection connection = PrimaryConnection.open(launch, watch::primaryGone);
		watch.start(scheduler);
		Heartbeats heartbeats = new Heartbeats(connection);
		heartbeats.start(scheduler);
		return new WorkerAgent(properties, launch, connection, heartbeats);
	}

	private static void joinConnectionBalance(WorkerLaunch launch) {
		Path table = launch.connectionTable();
		if (table == null) {
			return;
		}
		try {
			AcceptGate.inheritedSocket()
				.balanceWith(new ConnectionBalance(ConnectionTable.open(table), launch.connectionSlot()));
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Taking connections unbalanced: cannot open " + table + " (" + ex + ")");
		}
	}

	/**
	 * The client operators' requests go through: to the primary, for the whole cluster.
	 * @return the client
	 */
	public ClusterClient client() {
		return this.connection;
	}

	/**
	 * Count one request served by this worker, for the cluster status.
	 */
	public void requestServed() {
		this.heartbeats.requestServed();
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof AvailabilityChangeEvent<?> change
				&& change.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
			if (this.readinessStarted.compareAndSet(false, true)) {
				new WorkerReadiness(this.launch, this.properties.getWorker().getWarmup(), this.connection)
					.start((change.getSource() instanceof WebServerApplicationContext context) ? context.getWebServer()
							: null);
			}
			else {
				this.connection.send(new ClusterMessage.Ready());
			}
		}
		else if (event instanceof ContextClosedEvent && this.stopping.compareAndSet(false, true)) {
			// Once: the management context's closing reaches this listener too.
			this.connection.send(new ClusterMessage.Stopping());
		}
	}

}
