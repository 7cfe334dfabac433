package dev.bootcluster.ipc;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The primary's end of the channel: a Unix domain socket in the primary's
 * {@link RunDirectory}. A worker must open with a {@link ClusterMessage.Hello} carrying
 * this run's secret, so an unrelated process cannot pose as a worker.
 */
public final class IpcServer implements Closeable {

	private static final Log logger = LogFactory.getLog(IpcServer.class);

	private final RunDirectory directory;

	private final Path socketPath;

	private final String secret;

	private final ServerSocketChannel server;

	private final Map<Long, SocketChannel> connections = new ConcurrentHashMap<>();

	private volatile @Nullable Listener listener;

	private volatile boolean closed;

	private IpcServer(RunDirectory directory) throws IOException {
		this.directory = directory;
		this.socketPath = directory.resolve("primary.sock");
		this.secret = newSecret();
		this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.server.bind(UnixDomainSocketAddress.of(this.socketPath));
	}

	/**
	 * Create the channel's socket in a new run directory; workers can connect once
	 * {@link #start} was called.
	 * @param parent where to create the run directory
	 * @return the server
	 * @throws IOException when the socket cannot be created
	 */
	public static IpcServer open(Path parent) throws IOException {
		RunDirectory directory = RunDirectory.create(parent);
		try {
			return new IpcServer(directory);
		}
		catch (IOException | RuntimeException ex) {
			directory.close();
			throw ex;
		}
	}

	/**
	 * Start accepting workers.
	 * @param listener receives every message after a valid hello
	 * @return this server
	 */
	public IpcServer start(Listener listener) {
		this.listener = listener;
		Thread acceptor = new Thread(this::acceptLoop, "cluster-ipc-accept");
		acceptor.setDaemon(true);
		acceptor.start();
		return this;
	}

	/**
	 * A file in this server's private directory for other state the primary shares with
	 * its workers; deleted when the server closes.
	 * @param name the file's name
	 * @return the path
	 */
	public Path privateFile(String name) {
		return this.directory.resolve(name);
	}

	public Path getSocketPath() {
		return this.socketPath;
	}

	public String getSecret() {
		return this.secret;
	}

	private void acceptLoop() {
		while (!this.closed) {
			try {
				SocketChannel channel = this.server.accept();
				Thread reader = new Thread(() -> serve(channel), "cluster-ipc-reader");
				reader.setDaemon(true);
				reader.start();
			}
			catch (IOException ex) {
				if (!this.closed) {
					logger.warn("IPC accept failed: " + ex.getMessage());
				}
			}
		}
	}

	private void serve(SocketChannel channel) {
		ClusterMessage.Hello hello = null;
		try (channel) {
			ClusterMessage first = MessageCodec.read(channel);
			if (!(first instanceof ClusterMessage.Hello candidate) || !secretMatches(candidate.secret())) {
				logger.warn("Rejected an IPC connection without a valid hello");
				return;
			}
			hello = candidate;
			if (hello.protocol() != ClusterMessage.PROTOCOL_VERSION) {
				String reason = "worker " + hello.workerId() + " (pid " + hello.pid() + ") speaks protocol version "
						+ hello.protocol() + ", the primary " + ClusterMessage.PROTOCOL_VERSION
						+ ": restart the cluster to run the new version";
				logger.error(reason);
				MessageCodec.write(new ClusterMessage.Refused(0, reason), channel);
				return;
			}
			this.connections.put(hello.pid(), channel);
			Listener listener = this.listener;
			if (listener == null) {
				return;
			}
			listener.onMessage(hello.workerId(), hello.pid(), hello);
			while (!this.closed) {
				ClusterMessage message = MessageCodec.read(channel);
				if (message != null) {
					listener.onMessage(hello.workerId(), hello.pid(), message);
				}
			}
		}
		catch (EOFException ex) {
			// The worker exited or closed its end: its process exit is reported
			// separately.
		}
		catch (IOException | RuntimeException ex) {
			if (!this.closed) {
				logger.warn("IPC connection " + ((hello != null) ? "from pid " + hello.pid() + " " : "") + "failed: "
						+ ex.getMessage());
			}
		}
		finally {
			if (hello != null) {
				this.connections.remove(hello.pid(), channel);
			}
		}
	}

	/**
	 * Send a message to a connected worker.
	 * @param pid the worker's process id
	 * @param message the message
	 * @return whether the worker was connected and the message was written
	 */
	public boolean send(long pid, ClusterMessage message) {
		SocketChannel channel = this.connections.get(pid);
		if (channel == null) {
			return false;
		}
		try {
			MessageCodec.write(message, channel);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private boolean secretMatches(@Nullable String candidate) {
		return candidate != null && MessageDigest.isEqual(candidate.getBytes(StandardCharsets.US_ASCII),
				this.secret.getBytes(StandardCharsets.US_ASCII));
	}

	private static String newSecret() {
		byte[] bytes = new byte[24];
		new SecureRandom().nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.server);
		this.connections.values().forEach(IpcServer::closeQuietly);
		this.directory.close();
	}

	private static void closeQuietly(Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			logger.debug("Failed to close " + closeable, ex);
		}
	}

	/**
	 * Receives what workers say.
	 */
	@FunctionalInterface
	public interface Listener {

		/**
		 * Called on a reader thread for every message of an authenticated worker.
		 * @param workerId the worker's id from its hello
		 * @param pid the worker's process id
		 * @param message the message
		 */
		void onMessage(int workerId, long pid, ClusterMessage message);

	}

}
