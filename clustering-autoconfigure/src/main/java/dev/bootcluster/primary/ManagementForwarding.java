package dev.bootcluster.primary;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One client connection of the management port ({@link ManagementProxy}), copied to a
 * worker and back by two threads. What the client sent that the worker has not answered
 * with a single byte is kept (up to {@value #MAX_UNANSWERED} bytes): when that worker's
 * connection ends before it answers (killed, crashed), the same bytes go to another ready
 * worker, so the client never meets a reset. A worker that answered part of a response
 * and then died is not asked again: the client sees the connection end, as it would
 * without the proxy.
 */
final class ManagementForwarding {

	private static final Log logger = LogFactory.getLog(ManagementForwarding.class);

	private static final int BUFFER_SIZE = 16 * 1024;

	static final int MAX_UNANSWERED = 64 * 1024;

	private final SocketChannel client;

	private final Workers workers;

	private final Object lock = new Object();

	private WorkerConnection worker;

	private @Nullable ByteArrayOutputStream unanswered = new ByteArrayOutputStream();

	private boolean clientEnded;

	private boolean clientGone;

	ManagementForwarding(SocketChannel client, Workers workers) {
		this.client = client;
		this.workers = workers;
	}

	void run() throws InterruptedException {
		WorkerConnection first = this.workers.connect(-1);
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
	 * Leave a worker that fell silent while a request that is safe to repeat waits for
	 * its answer: closing the connection sends the request to another worker.
	 */
	void leaveIfSilent(Set<Integer> silent) {
		synchronized (this.lock) {
			if (this.worker != null && this.worker.channel().isOpen() && silent.contains(this.worker.port())
					&& this.unanswered != null && isRepeatable(this.unanswered.toByteArray())) {
				logger.info("Management request left the worker on port " + this.worker.port()
						+ ", which sends no heartbeat, for another worker");
				closeQuietly(this.worker.channel());
			}
		}
	}

	/**
	 * The worker's connection ended: when it had not answered what the client sent, the
	 * same bytes go to another worker.
	 * @return whether another worker took them over
	 */
	private boolean sendUnansweredToAnotherWorker() throws InterruptedException {
		synchronized (this.lock) {
			if (this.clientGone || this.unanswered == null || this.unanswered.size() == 0) {
				return false;
			}
			WorkerConnection next = this.workers.connect(this.worker.port());
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

	/**
	 * Whether a request may run twice: a GET or HEAD (the frozen worker may still serve
	 * its copy when it thaws), except a heap dump, which itself stops a worker long
	 * enough to look silent.
	 */
	static boolean isRepeatable(byte[] request) {
		String line = new String(request, 0, Math.min(request.length, 256), StandardCharsets.US_ASCII).split("\r?\n",
				2)[0];
		return (line.startsWith("GET ") || line.startsWith("HEAD ")) && !line.contains("/heapdump");
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

	static void closeQuietly(Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// Closed already.
		}
	}

	/**
	 * Connections to the ready workers.
	 */
	@FunctionalInterface
	interface Workers {

		/**
		 * A connection to the next ready worker, waiting while none is ready.
		 * @param excludedPort the management port of a worker not to use, or -1
		 * @return the connection, or {@code null} when none was ready in time
		 * @throws InterruptedException when interrupted while waiting
		 */
		@Nullable WorkerConnection connect(int excludedPort) throws InterruptedException;

	}

	/**
	 * A connection to a worker's private management port.
	 *
	 * @param channel the connection
	 * @param port the worker's management port
	 */
	record WorkerConnection(SocketChannel channel, int port) {

	}

}
