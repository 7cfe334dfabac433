package dev.bootcluster.server;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import dev.bootcluster.os.StandardStreams;

/**
 * A Jetty connector that accepts on the socket this worker inherited from the primary.
 * Jetty's graceful shutdown closes the listening channel first, which leaves the shared
 * accept queue to the other workers; this connector keeps the worker's stdout and stderr
 * attached when it does.
 */
public class InheritedChannelServerConnector extends ServerConnector {

	/**
	 * Take over the settings of the connector Spring Boot configured.
	 * @param server the server
	 * @param configured the connector to replace
	 */
	public InheritedChannelServerConnector(Server server, ServerConnector configured) {
		super(server, configured.getExecutor(), configured.getScheduler(), configured.getByteBufferPool(),
				configured.getAcceptors(), configured.getSelectorManager().getSelectorCount(),
				configured.getConnectionFactories().toArray(new ConnectionFactory[0]));
		setHost(configured.getHost());
		setPort(configured.getPort());
		setIdleTimeout(configured.getIdleTimeout());
		setInheritChannel(true);
	}

	@Override
	public void accept(int acceptorID) throws IOException {
		// Take no connection from the shared queue before this worker is ready.
		AcceptGate gate = AcceptGate.inheritedSocket();
		if (gate.isOpen() || gate.await(() -> isOpen() && isRunning())) {
			super.accept(acceptorID);
		}
	}

	@Override
	public void close() {
		try {
			StandardStreams.preserveOutputAround(super::close);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
