package dev.bootcluster.ipc;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A worker's end of the channel. It says hello, sends messages, and reports when the
 * primary goes away (the channel reaches end of stream), whatever the reason.
 */
public final class IpcClient implements Closeable {

	private static final Log logger = LogFactory.getLog(IpcClient.class);

	private final SocketChannel channel;

	private volatile boolean closed;

	private IpcClient(SocketChannel channel) {
		this.channel = channel;
	}

	/**
	 * Connect to the primary and say hello.
	 * @param socketPath the primary's socket
	 * @param hello the first message, carrying the run's secret
	 * @param onMessage receives messages from the primary
	 * @param onPrimaryGone called once when the channel closes without {@link #close()}
	 * @return the connected client
	 * @throws IOException when the primary cannot be reached
	 */
	public static IpcClient connect(Path socketPath, ClusterMessage.Hello hello, Consumer<ClusterMessage> onMessage,
			Runnable onPrimaryGone) throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		channel.connect(UnixDomainSocketAddress.of(socketPath));
		IpcClient client = new IpcClient(channel);
		client.send(hello);
		Thread reader = new Thread(() -> client.readLoop(onMessage, onPrimaryGone), "cluster-ipc-client");
		reader.setDaemon(true);
		reader.start();
		return client;
	}

	private void readLoop(Consumer<ClusterMessage> onMessage, Runnable onPrimaryGone) {
		try {
			while (true) {
				ClusterMessage message = MessageCodec.read(this.channel);
				if (message != null) {
					deliver(onMessage, message);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			if (!this.closed) {
				onPrimaryGone.run();
			}
		}
	}

	private static void deliver(Consumer<ClusterMessage> onMessage, ClusterMessage message) {
		try {
			onMessage.accept(message);
		}
		catch (RuntimeException ex) {
			// A message this worker could not handle: the primary is not gone for that.
			logger.warn("Failed to handle " + message + ": " + ex);
		}
	}

	/**
	 * Send a message, ignoring failure: a lost primary is reported through the read side.
	 * @param message the message
	 */
	public void send(ClusterMessage message) {
		try {
			MessageCodec.write(message, this.channel);
		}
		catch (IOException ex) {
			// Reported by the reader as the primary being gone.
		}
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		this.channel.close();
	}

}
