package dev.bootcluster.server;

import java.io.IOException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;

import dev.bootcluster.os.StandardStreams;

/**
 * Accepts on the listening socket this worker inherited from the primary as its standard
 * input: not before the worker is ready ({@link AcceptGate}), and not while it holds more
 * than its share of the connections ({@link ConnectionBalance}). Closing it on pause
 * leaves the shared accept queue to the other workers.
 */
class InheritedChannelNioEndpoint extends ListenerFirstNioEndpoint {

	private final AcceptGate gate = AcceptGate.inheritedSocket();

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
