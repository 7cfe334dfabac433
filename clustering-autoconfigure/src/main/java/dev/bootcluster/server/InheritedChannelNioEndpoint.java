package dev.bootcluster.server;

import java.io.IOException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.os.StandardStreams;

/**
 * Accepts on the listening socket this worker inherited from the primary as its standard
 * input: not before the worker is ready ({@link AcceptGate}), and not while it holds more
 * than its share of the connections ({@link ConnectionBalance}), and it hands keep-alive
 * connections above its share back. Closing it on pause leaves the shared accept queue to
 * the other workers.
 */
class InheritedChannelNioEndpoint extends ListenerFirstNioEndpoint {

	/** How often a worker compares its share of the connections with the others'. */
	static final long HAND_BACK_PERIOD_MILLIS = 100;

	private final AcceptGate gate = AcceptGate.inheritedSocket();

	/**
	 * Connections handed back and not closed yet: by the hand-back task, and by the
	 * acceptor when it took one above this worker's share.
	 */
	private final Set<SocketWrapperBase<NioChannel>> handedBack = ConcurrentHashMap.newKeySet();

	private volatile @Nullable ScheduledFuture<?> handBack;

	public InheritedChannelNioEndpoint() {
		setUseInheritedChannel(true);
	}

	@Override
	protected SocketChannel serverSocketAccept() throws Exception {
		// Take no connection from the shared queue before this worker is ready. Once the
		// gate is open this is one volatile read per accept.
		if (!this.gate.isOpen()) {
			this.gate.await(() -> isRunning() && !isListenerClosed());
		}
		ConnectionBalance balance = this.gate.balance();
		if (balance != null) {
			// Connections counted before the gate opened were not published.
			publishIfOpen();
			balance.awaitTurn(() -> (int) getConnectionCount(), () -> isRunning() && !isListenerClosed());
		}
		return super.serverSocketAccept();
	}

	@Override
	protected boolean setSocketOptions(SocketChannel socket) {
		if (!super.setSocketOptions(socket)) {
			return false;
		}
		// After super: the connection's wrapper exists only then. It is registered with
		// the poller already, so a first request answered meanwhile keeps the connection
		// for one more response.
		ConnectionBalance balance = this.gate.balance();
		if (balance != null && balance.acceptedAboveShare((int) getConnectionCount())) {
			SocketWrapperBase<NioChannel> connection = this.connections.get(socket);
			if (connection != null) {
				// Counted as handed back, so that the hand-back task does not hand back
				// another one for it.
				this.handedBack.add(connection);
				connection.setKeepAliveLeft(1);
			}
		}
		return true;
	}

	@Override
	public void startInternal() throws Exception {
		super.startInternal();
		ScheduledExecutorService executor = getUtilityExecutor();
		if (executor != null) {
			this.handBack = executor.scheduleWithFixedDelay(this::handBackExcess, HAND_BACK_PERIOD_MILLIS,
					HAND_BACK_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void stopInternal() {
		ScheduledFuture<?> handBack = this.handBack;
		if (handBack != null) {
			handBack.cancel(false);
		}
		super.stopInternal();
	}

	/**
	 * Close connections above this worker's share after their next response: Tomcat
	 * answers that response with {@code Connection: close}, as it does when a connection
	 * reaches {@code server.tomcat.max-keep-alive-requests}, and the client's next
	 * connection goes through the balanced accept. This worker's count is published again
	 * as its slow start's share grows or its share of its CPUs moves.
	 */
	private void handBackExcess() {
		ConnectionBalance balance = this.gate.balance();
		if (balance == null || !this.gate.isOpen() || isListenerClosed()) {
			return;
		}
		long now = System.nanoTime();
		balance.republish((int) getConnectionCount(), now);
		this.handedBack.removeIf(SocketWrapperBase::isClosed);
		int excess = balance.handBack((int) getConnectionCount() - this.handedBack.size(), now);
		for (SocketWrapperBase<NioChannel> connection : getConnections()) {
			if (excess <= 0) {
				break;
			}
			if (!connection.isClosed() && this.handedBack.add(connection)) {
				connection.setKeepAliveLeft(1);
				excess--;
			}
		}
	}

	@Override
	protected void countUpOrAwaitConnection() throws InterruptedException {
		super.countUpOrAwaitConnection();
		publishIfOpen();
	}

	@Override
	protected long countDownConnection() {
		long count = super.countDownConnection();
		publishIfOpen();
		return count;
	}

	private void publishIfOpen() {
		ConnectionBalance balance = this.gate.balance();
		if (balance != null && this.gate.isOpen() && !isListenerClosed()) {
			balance.publish((int) getConnectionCount());
		}
	}

	@Override
	public void closeListener() {
		super.closeListener();
		ConnectionBalance balance = this.gate.balance();
		if (balance != null && isListenerClosed()) {
			balance.withdraw();
		}
	}

	@Override
	protected void closeChannel(NetworkChannel channel) throws IOException {
		// The JDK detaches stdin, stdout and stderr when it closes an inherited channel;
		// keep the worker's logs flowing to the primary.
		StandardStreams.preserveOutputAround(channel::close);
	}

}
