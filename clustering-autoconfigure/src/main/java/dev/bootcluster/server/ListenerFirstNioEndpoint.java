package dev.bootcluster.server;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.tomcat.util.net.NioEndpoint;

/**
 * A Tomcat NIO endpoint that stops accepting by closing its listening socket first, so a
 * graceful stop never takes a connection it will not serve.
 * <p>
 * Stock Tomcat pauses by waking its acceptor with a connection to its own port. On a port
 * shared by several workers that connection may land in another worker, and the paused
 * acceptor destroys whichever real connection it takes next. Here pausing closes this
 * process's listening socket, which wakes the acceptor with no connection at all. Until
 * the endpoint stops, connections this worker already accepted are served normally (with
 * keep-alive turned off by Tomcat) rather than answered with 503 because it is paused.
 */
abstract class ListenerFirstNioEndpoint extends NioEndpoint {

	private volatile boolean listenerClosed;

	/**
	 * Connections taken from the listening socket but not yet registered with the
	 * endpoint: the acceptor may have won one a moment before the listener closed.
	 */
	private final AtomicInteger acceptsInFlight = new AtomicInteger();

	@Override
	public void pause() {
		closeListener();
		// Let the acceptor hand over a connection it took just before the close: once the
		// endpoint is stopping, Tomcat's acceptor destroys what it accepts.
		awaitAcceptsInFlight(TimeUnit.SECONDS.toNanos(1));
		super.pause();
	}

	@Override
	public boolean isPaused() {
		// Once the listener is closed no new connection can arrive, so requests on the
		// connections this worker already accepted are still served.
		return super.isPaused() && !this.listenerClosed;
	}

	@Override
	protected void unlockAccept() {
		if (!this.listenerClosed) {
			super.unlockAccept();
		}
	}

	@Override
	protected SocketChannel serverSocketAccept() throws Exception {
		this.acceptsInFlight.incrementAndGet();
		try {
			return super.serverSocketAccept();
		}
		catch (Exception ex) {
			this.acceptsInFlight.decrementAndGet();
			if (!(ex instanceof ClosedChannelException) || !this.listenerClosed) {
				throw ex;
			}
			// Idle until the endpoint stops: throwing while it runs is logged as an
			// accept failure.
			while (isRunning()) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
			}
			throw ex;
		}
	}

	@Override
	protected boolean setSocketOptions(SocketChannel socket) {
		try {
			return super.setSocketOptions(socket);
		}
		finally {
			this.acceptsInFlight.decrementAndGet();
		}
	}

	@Override
	protected void doCloseServerSocket() throws IOException {
		closeListener();
		super.doCloseServerSocket();
		if (isRunning()) {
			awaitAcceptedConnections();
		}
	}

	/**
	 * During a graceful shutdown, wait until every connection this worker accepted has
	 * closed, including one the acceptor took just before the listener closed and has not
	 * registered yet. Such a connection may not have a request in progress, so the server
	 * would count it as idle and reset it. Keep-alive is off by now, so each connection
	 * closes after its next response; idle ones close at the keep-alive timeout at the
	 * latest.
	 */
	private void awaitAcceptedConnections() {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(getKeepAliveTimeout(), 0));
		while ((this.acceptsInFlight.get() > 0 || !getConnections().isEmpty()) && System.nanoTime() - deadline < 0) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
	}

	private void awaitAcceptsInFlight(long timeoutNanos) {
		long deadline = System.nanoTime() + timeoutNanos;
		while (this.acceptsInFlight.get() > 0 && System.nanoTime() - deadline < 0) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
	}

	/**
	 * Whether this process's listening socket was closed.
	 * @return {@code true} once {@link #closeListener()} ran
	 */
	protected boolean isListenerClosed() {
		return this.listenerClosed;
	}

	/**
	 * Close this process's listening socket: no connection is accepted after this.
	 */
	public void closeListener() {
		NetworkChannel channel = getServerSocket();
		if (this.listenerClosed || channel == null) {
			return;
		}
		this.listenerClosed = true;
		try {
			closeChannel(channel);
		}
		catch (IOException ex) {
			getLog().warn("Failed to close the listening socket", ex);
		}
	}

	/**
	 * Close the listening channel.
	 * @param channel the channel
	 * @throws IOException on failure
	 */
	protected void closeChannel(NetworkChannel channel) throws IOException {
		channel.close();
	}

}
