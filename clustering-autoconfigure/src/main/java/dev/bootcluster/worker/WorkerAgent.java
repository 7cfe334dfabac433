package dev.bootcluster.worker;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

import dev.bootcluster.ipc.IpcClient;
import dev.bootcluster.ipc.IpcMessage;
import dev.bootcluster.launch.WorkerLaunch;

/**
 * A worker's link to its primary: reports readiness, failure and shutdown, and ends the
 * worker when the primary is gone so that no orphan keeps serving the shared port.
 */
public final class WorkerAgent implements ApplicationListener<ApplicationEvent> {

	private static final Log logger = LogFactory.getLog(WorkerAgent.class);

	/** How long an orphaned worker may spend shutting down before it halts. */
	private static final long ORPHAN_EXIT_MILLIS = 1500;

	private static final long PARENT_CHECK_MILLIS = 250;

	private final WorkerLaunch launch;

	private volatile @Nullable IpcClient client;

	private volatile boolean exiting;

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
		IpcMessage hello = IpcMessage.of(IpcMessage.Type.HELLO)
			.with("secret", launch.secret())
			.with("worker-id", launch.workerId())
			.with("pid", ProcessHandle.current().pid())
			.build();
		try {
			agent.client = IpcClient.connect(launch.ipcSocket(), hello, (message) -> {
			}, agent::primaryGone);
		}
		catch (IOException ex) {
			agent.primaryGone();
		}
		Thread watcher = new Thread(agent::watchParent, "cluster-primary-watch");
		watcher.setDaemon(true);
		watcher.start();
		return agent;
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof AvailabilityChangeEvent<?> change
				&& change.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
			send(IpcMessage.of(IpcMessage.Type.READY).build());
		}
		else if (event instanceof ContextClosedEvent) {
			send(IpcMessage.of(IpcMessage.Type.STOPPING).build());
		}
	}

	/**
	 * Tell the primary that the application failed to start.
	 * @param exception the failure
	 */
	public void failed(Throwable exception) {
		send(IpcMessage.of(IpcMessage.Type.FAILED).with("error", String.valueOf(exception)).build());
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
		logger.warn("Primary (pid " + this.launch.primaryPid() + ") is gone; worker " + this.launch.workerId()
				+ " exits");
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
