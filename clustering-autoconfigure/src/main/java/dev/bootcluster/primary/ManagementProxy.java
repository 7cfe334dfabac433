package dev.bootcluster.primary;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The management port, owned by the primary like the application port: it listens on
 * {@code management.server.port} and hands each connection to a ready worker's private
 * loopback management port, in turn. A worker that stops, restarts or dies never resets a
 * connection still waiting in the queue, and a draining worker gets no new one; a
 * connection a worker was serving when it was killed is lost, as on the application port.
 * Management traffic is light (scrapes, probes, operations), so each connection is copied
 * by two threads, for at most {@value #MAX_CONNECTIONS} connections at once.
 */
final class ManagementProxy implements Closeable {

	private static final Log logger = LogFactory.getLog(ManagementProxy.class);

	static final int MAX_CONNECTIONS = 64;

	/**
	 * How long a connection waits for a ready worker before it is closed.
	 */
	static final Duration WAIT_FOR_WORKER = Duration.ofSeconds(30);

	private static final int CONNECT_TIMEOUT_MILLIS = 2000;

	private final ServerSocketChannel listener;

	private final Duration waitForWorker;

	private final Object targetsChanged = new Object();

	private volatile List<Integer> targets = List.of();

	private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);

	private final Set<ManagementForwarding> active = ConcurrentHashMap.newKeySet();

	private final AtomicInteger next = new AtomicInteger();

	private final ExecutorService silentChecks = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "cluster-management-silent");
		thread.setDaemon(true);
		return thread;
	});

	private volatile boolean closed;

	/**
	 * Listen on the management port.
	 * @param listener the bound management socket
	 * @param waitForWorker how long a connection waits for a ready worker
	 */
	ManagementProxy(ServerSocketChannel listener, Duration waitForWorker) {
		this.listener = listener;
		this.waitForWorker = waitForWorker;
	}

	/**
	 * The workers new connections go to, as they become ready or stop being ready. A
	 * {@code GET} or {@code HEAD} request waiting for an answer from a worker that fell
	 * silent is sent to another worker.
	 * @param targets the loopback management ports of the ready workers, and of those
	 * left out because they fell silent
	 */
	void targets(Targets targets) {
		synchronized (this.targetsChanged) {
			this.targets = List.copyOf(targets.ports());
			this.targetsChanged.notifyAll();
		}
		if (!targets.silent().isEmpty()) {
			// Not on the caller's (the supervisor's) thread: a forwarding may be blocked
			// writing to the silent worker while it holds its lock.
			this.silentChecks
				.execute(() -> this.active.forEach((forwarding) -> forwarding.leaveIfSilent(targets.silent())));
		}
	}

	int port() {
		return this.listener.socket().getLocalPort();
	}

	void start() {
		Thread acceptor = new Thread(this::acceptLoop, "cluster-management-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private void acceptLoop() {
		while (!this.closed) {
			try {
				this.connections.acquire();
				SocketChannel client = this.listener.accept();
				Thread forward = new Thread(() -> forward(client), "cluster-management-" + client.socket().getPort());
				forward.setDaemon(true);
				forward.start();
			}
			catch (IOException ex) {
				this.connections.release();
				if (!this.closed) {
					logger.warn("Management port accept failed: " + ex.getMessage());
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private void forward(SocketChannel client) {
		ManagementForwarding forwarding = new ManagementForwarding(client, this::connectToWorker);
		this.active.add(forwarding);
		try (client) {
			forwarding.run();
		}
		catch (IOException ex) {
			logger.debug("Management connection ended: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.active.remove(forwarding);
			this.connections.release();
		}
	}

	/**
	 * A connection to the next ready worker other than {@code excluded}, waiting for one
	 * while none is ready (the client waits as it would in the accept queue).
	 * @return the connection, or {@code null} when none was ready in time
	 */
	private ManagementForwarding.@Nullable WorkerConnection connectToWorker(int excluded) throws InterruptedException {
		long deadline = System.nanoTime() + this.waitForWorker.toNanos();
		while (!this.closed && System.nanoTime() - deadline < 0) {
			List<Integer> ports = this.targets;
			for (int attempt = 0; attempt < ports.size(); attempt++) {
				int port = ports.get(Math.floorMod(this.next.getAndIncrement(), ports.size()));
				if (port == excluded) {
					continue;
				}
				SocketChannel worker = null;
				try {
					worker = SocketChannel.open();
					worker.socket().connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MILLIS);
					return new ManagementForwarding.WorkerConnection(worker, port);
				}
				catch (IOException ex) {
					// Gone since the list was read: try the next one.
					if (worker != null) {
						ManagementForwarding.closeQuietly(worker);
					}
				}
			}
			synchronized (this.targetsChanged) {
				if (this.targets == ports) {
					this.targetsChanged.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
				}
			}
		}
		logger.warn("Management connection closed: no worker ready within " + LogFormat.seconds(this.waitForWorker));
		return null;
	}

	/**
	 * Where the management port may send connections.
	 *
	 * @param ports the private management ports of the ready workers that new connections
	 * go to, in turn
	 * @param silent those of ready workers left out because they missed heartbeats
	 */
	record Targets(List<Integer> ports, Set<Integer> silent) {

	}

	@Override
	public void close() {
		this.closed = true;
		this.silentChecks.shutdownNow();
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			logger.debug("Failed to close the management port", ex);
		}
	}

}
