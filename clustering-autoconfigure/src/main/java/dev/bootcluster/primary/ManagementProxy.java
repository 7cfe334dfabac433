package dev.bootcluster.primary;

import java.io.Closeable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
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

	private static final int BUFFER_SIZE = 16 * 1024;

	static final int MAX_UNANSWERED = 64 * 1024;

	private final ServerSocketChannel listener;

	private final Duration waitForWorker;

	private final Object targetsChanged = new Object();

	private volatile List<Integer> targets = List.of();

	private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);

	private final AtomicInteger next = new AtomicInteger();

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
	 * The workers new connections go to, as they become ready or stop being ready.
	 * @param ports the loopback management ports of the ready workers
	 */
	void targets(List<Integer> ports) {
		synchronized (this.targetsChanged) {
			this.targets = List.copyOf(ports);
			this.targetsChanged.notifyAll();
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
		try (client) {
			new Forwarding(client).run();
		}
		catch (IOException ex) {
			logger.debug("Management connection ended: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.connections.release();
		}
	}

	/**
	 * A connection to the next ready worker other than {@code excluded}, waiting for one
	 * while none is ready (the client waits as it would in the accept queue).
	 * @return the connection, or {@code null} when none was ready in time
	 */
	private @Nullable WorkerConnection connectToWorker(int excluded) throws InterruptedException {
		long deadline = System.nanoTime() + this.waitForWorker.toNanos();
		while (!this.closed && System.nanoTime() - deadline < 0) {
			List<Integer> ports = this.targets;
			for (int attempt = 0; attempt < ports.size(); attempt++) {
				int port = ports.get(Math.floorMod(this.next.getAndIncrement(), ports.size()));
				if (port == excluded) {
					continue;
				}
				try {
					SocketChannel worker = SocketChannel.open();
					worker.socket().connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MILLIS);
					return new WorkerConnection(worker, port);
				}
				catch (IOException ex) {
					// Gone since the list was read: try the next one.
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

	private static void closeQuietly(@Nullable Closeable closeable) {
		try {
			if (closeable != null) {
				closeable.close();
			}
		}
		catch (IOException ex) {
			// Closed already.
		}
	}

	private record WorkerConnection(SocketChannel channel, int port) {

	}

	/**
	 * One client connection, copied to a worker and back by two threads. What the client
	 * sent that the worker has not answered with a single byte is kept (up to
	 * {@value #MAX_UNANSWERED} bytes): when that worker's connection ends before it
	 * answers (killed, crashed), the same bytes go to another ready worker, so the client
	 * never meets a reset. A worker that answered part of a response and then died is not
	 * asked again: the client sees the connection end, as it would without the proxy.
	 */
	private final class Forwarding {

		private final SocketChannel client;

		private final Object lock = new Object();

		private WorkerConnection worker;

		private @Nullable ByteArrayOutputStream unanswered = new ByteArrayOutputStream();

		private boolean clientEnded;

		private boolean clientGone;

		Forwarding(SocketChannel client) {
			this.client = client;
		}

		void run() throws InterruptedException {
			WorkerConnection first = connectToWorker(-1);
			if (first == null) {
				return;
			}
			this.worker = first;
			Thread back = new Thread(this::workerToClient, Thread.currentThread().getName() + "-back");
			back.setDaemon(true);
			back.start();
			clientToWorker();
			back.join();
			synchronized (this.lock) {
				closeQuietly(this.worker.channel());
			}
		}

		private void clientToWorker() {
			ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
			try {
				while (this.client.read(buffer) >= 0) {
					buffer.flip();
					synchronized (this.lock) {
						keep(buffer);
						// A worker that is gone is noticed by the other direction.
						writeQuietly(this.worker.channel(), buffer);
					}
					buffer.clear();
				}
				synchronized (this.lock) {
					this.clientEnded = true;
					this.worker.channel().shutdownOutput();
				}
			}
			catch (IOException ex) {
				// The client is gone: so is the way back.
				synchronized (this.lock) {
					this.clientGone = true;
					closeQuietly(this.worker.channel());
				}
			}
		}

		private void workerToClient() {
			ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
			try {
				while (true) {
					SocketChannel from;
					synchronized (this.lock) {
						from = this.worker.channel();
					}
					if (read(from, buffer) < 0) {
						if (!sendUnansweredToAnotherWorker()) {
							break;
						}
						continue;
					}
					answered();
					buffer.flip();
					while (buffer.hasRemaining()) {
						this.client.write(buffer);
					}
					buffer.clear();
				}
			}
			catch (IOException ex) {
				// The client is gone.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			// The worker ended the conversation: so does the client's connection.
			closeQuietly(this.client);
		}

		/**
		 * The worker's connection ended: when it had not answered what the client sent,
		 * the same bytes go to another worker.
		 * @return whether another worker took them over
		 */
		private boolean sendUnansweredToAnotherWorker() throws InterruptedException {
			synchronized (this.lock) {
				if (this.clientGone || this.unanswered == null || this.unanswered.size() == 0) {
					return false;
				}
				WorkerConnection next = connectToWorker(this.worker.port());
				if (next == null) {
					return false;
				}
				closeQuietly(this.worker.channel());
				this.worker = next;
				logger.debug("Management request moved to the worker on port " + next.port()
						+ " after its worker's connection ended");
				try {
					next.channel().write(ByteBuffer.wrap(this.unanswered.toByteArray()));
					if (this.clientEnded) {
						next.channel().shutdownOutput();
					}
				}
				catch (IOException ex) {
					// Gone too: the next read ends, and the next worker is asked.
				}
				return true;
			}
		}

		private void answered() {
			synchronized (this.lock) {
				if (this.unanswered == null) {
					this.unanswered = new ByteArrayOutputStream();
				}
				this.unanswered.reset();
			}
		}

		private void keep(ByteBuffer buffer) {
			if (this.unanswered != null) {
				if (this.unanswered.size() + buffer.remaining() > MAX_UNANSWERED) {
					this.unanswered = null;
				}
				else {
					this.unanswered.write(buffer.array(), buffer.position(), buffer.remaining());
				}
			}
		}

		private static int read(SocketChannel from, ByteBuffer buffer) {
			try {
				return from.read(buffer);
			}
			catch (IOException ex) {
				// Reset by a worker that died.
				return -1;
			}
		}

		private static void writeQuietly(SocketChannel to, ByteBuffer buffer) {
			try {
				while (buffer.hasRemaining()) {
					to.write(buffer);
				}
			}
			catch (IOException ex) {
				buffer.position(buffer.limit());
			}
		}

	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			logger.debug("Failed to close the management port", ex);
		}
	}

}
