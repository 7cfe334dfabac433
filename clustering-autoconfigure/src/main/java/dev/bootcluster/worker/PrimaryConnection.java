package dev.bootcluster.worker;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.IpcClient;
import dev.bootcluster.ipc.MetricsFormat;
import dev.bootcluster.ipc.WorkerLaunch;

/**
 * A worker's connection to its primary: says hello, sends what the worker reports, and
 * carries operators' requests, matching each reply to its request by id.
 */
final class PrimaryConnection implements ClusterClient {

	private static final Log logger = LogFactory.getLog(PrimaryConnection.class);

	private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

	private final Map<Long, CompletableFuture<ClusterMessage.Reply>> pending = new ConcurrentHashMap<>();

	private final AtomicLong requestIds = new AtomicLong();

	private final Consumer<ClusterMessage> commands;

	private final Duration scrapeTimeout;

	private volatile @Nullable IpcClient client;

	private PrimaryConnection(Consumer<ClusterMessage> commands, Duration scrapeTimeout) {
		this.commands = commands;
		this.scrapeTimeout = scrapeTimeout;
	}

	/**
	 * Connect to the primary and say hello.
	 * @param launch what the primary passed to this worker
	 * @param onPrimaryGone called once when the primary cannot be reached or goes away
	 * @param commands receives what the primary says that is not a reply
	 * @param scrapeTimeout how long the primary waits for each worker's metrics
	 * @return the connection
	 */
	static PrimaryConnection open(WorkerLaunch launch, Runnable onPrimaryGone, Consumer<ClusterMessage> commands,
			Duration scrapeTimeout) {
		PrimaryConnection connection = new PrimaryConnection(commands, scrapeTimeout);
		ClusterMessage.Hello hello = new ClusterMessage.Hello(ClusterMessage.PROTOCOL_VERSION, launch.secret(),
				launch.workerId(), ProcessHandle.current().pid());
		try {
			connection.client = IpcClient.connect(launch.ipcSocket(), hello, connection::received, onPrimaryGone);
		}
		catch (IOException ex) {
			onPrimaryGone.run();
		}
		return connection;
	}

	/**
	 * Send a message; a lost primary is reported through {@code onPrimaryGone}.
	 * @param message the message
	 */
	void send(ClusterMessage message) {
		IpcClient client = this.client;
		if (client != null) {
			client.send(message);
		}
	}

	@Override
	public ClusterStatus status() {
		return request(ClusterMessage.StatusRequest::new, ClusterMessage.StatusReply.class).status();
	}

	@Override
	public ReloadTicket reload() {
		ClusterMessage.ReloadReply reply = request(ClusterMessage.ReloadRequest::new, ClusterMessage.ReloadReply.class);
		return new ReloadTicket(reply.reloadId(), reply.started());
	}

	@Override
	public Scaling scale(String instances) {
		ClusterMessage.ScaleReply reply = request((id) -> new ClusterMessage.ScaleRequest(id, instances),
				ClusterMessage.ScaleReply.class);
		return new Scaling(reply.from(), reply.to());
	}

	@Override
	public String metrics(MetricsFormat format) {
		return request((id) -> new ClusterMessage.MetricsRequest(id, format), ClusterMessage.MetricsReply.class,
				this.scrapeTimeout.plus(ANSWER_TIMEOUT))
			.exposition();
	}

	private <T extends ClusterMessage.Reply> T request(LongFunction<ClusterMessage.Request> request,
			Class<T> replyType) {
		return request(request, replyType, ANSWER_TIMEOUT);
	}

	private <T extends ClusterMessage.Reply> T request(LongFunction<ClusterMessage.Request> request, Class<T> replyType,
			Duration timeout) {
		long id = this.requestIds.incrementAndGet();
		CompletableFuture<ClusterMessage.Reply> answer = new CompletableFuture<>();
		this.pending.put(id, answer);
		try {
			send(request.apply(id));
			ClusterMessage.Reply reply = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (reply instanceof ClusterMessage.Refused refused) {
				throw new ClusterOperationException(refused.reason(), true);
			}
			if (!replyType.isInstance(reply)) {
				throw new ClusterOperationException("The primary answered with " + reply, false);
			}
			return replyType.cast(reply);
		}
		catch (TimeoutException ex) {
			throw new ClusterOperationException("The primary did not answer within " + timeout.toSeconds() + " s",
					false);
		}
		catch (ExecutionException ex) {
			throw new ClusterOperationException("The primary could not answer: " + ex.getCause(), false);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ClusterOperationException("Interrupted while waiting for the primary", false);
		}
		finally {
			this.pending.remove(id);
		}
	}

	private void received(ClusterMessage message) {
		if (message instanceof ClusterMessage.Refused refused && refused.id() == 0) {
			logger.error("The primary refused this worker: " + refused.reason());
		}
		else if (message instanceof ClusterMessage.Reply reply) {
			CompletableFuture<ClusterMessage.Reply> answer = this.pending.get(reply.id());
			if (answer != null) {
				answer.complete(reply);
			}
		}
		else {
			this.commands.accept(message);
		}
	}

}
