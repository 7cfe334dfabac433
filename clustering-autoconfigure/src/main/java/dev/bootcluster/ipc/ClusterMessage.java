package dev.bootcluster.ipc;

import java.time.Duration;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Everything the primary and a worker say to each other over the channel, encoded by
 * {@link MessageCodec} as one JSON object per frame with its {@code type}.
 * <p>
 * During a reload that swaps the jar, a primary of one version talks to workers of the
 * next: a peer ignores fields it does not know, gives missing ones their default, and
 * skips messages of a type it does not know. A change that cannot keep to that raises
 * {@link #PROTOCOL_VERSION}, which a worker sends in its {@link Hello}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = ClusterMessage.Hello.class, name = "hello"),
		@JsonSubTypes.Type(value = ClusterMessage.Ready.class, name = "ready"),
		@JsonSubTypes.Type(value = ClusterMessage.Stopping.class, name = "stopping"),
		@JsonSubTypes.Type(value = ClusterMessage.Heartbeat.class, name = "heartbeat"),
		@JsonSubTypes.Type(value = ClusterMessage.StatusRequest.class, name = "status-request"),
		@JsonSubTypes.Type(value = ClusterMessage.ReloadRequest.class, name = "reload-request"),
		@JsonSubTypes.Type(value = ClusterMessage.ScaleRequest.class, name = "scale-request"),
		@JsonSubTypes.Type(value = ClusterMessage.StatusReply.class, name = "status-reply"),
		@JsonSubTypes.Type(value = ClusterMessage.ReloadReply.class, name = "reload-reply"),
		@JsonSubTypes.Type(value = ClusterMessage.ScaleReply.class, name = "scale-reply"),
		@JsonSubTypes.Type(value = ClusterMessage.Refused.class, name = "refused"),
		@JsonSubTypes.Type(value = ClusterMessage.Leadership.class, name = "leadership"),
		@JsonSubTypes.Type(value = ClusterMessage.LeadershipReleased.class, name = "leadership-released"),
		@JsonSubTypes.Type(value = ClusterMessage.StopAccepting.class, name = "stop-accepting"),
		@JsonSubTypes.Type(value = ClusterMessage.MetricsRequest.class, name = "metrics-request"),
		@JsonSubTypes.Type(value = ClusterMessage.MetricsReply.class, name = "metrics-reply"),
		@JsonSubTypes.Type(value = ClusterMessage.ScrapeRequest.class, name = "scrape-request"),
		@JsonSubTypes.Type(value = ClusterMessage.ScrapeReply.class, name = "scrape-reply") })
public sealed interface ClusterMessage {

	/** The version of this protocol, raised only by a change old peers cannot skip. */
	int PROTOCOL_VERSION = 1;

	/**
	 * Worker to primary, first on the channel: who it is, proven by the run's secret.
	 *
	 * @param protocol the worker's {@link #PROTOCOL_VERSION}
	 * @param secret the secret the primary passed in the worker's environment
	 * @param workerId the stable worker id
	 * @param pid the worker's process id
	 */
	record Hello(int protocol, String secret, int workerId, long pid) implements ClusterMessage {

	}

	/**
	 * Worker to primary: the application accepts traffic and the worker takes connections
	 * from the shared port.
	 *
	 * @param managementPort the worker's private loopback management port, 0 if it has
	 * none
	 */
	record Ready(int managementPort) implements ClusterMessage {

		public Ready() {
			this(0);
		}

	}

	/**
	 * Worker to primary: the application context is closing.
	 */
	record Stopping() implements ClusterMessage {

	}

	/**
	 * Worker to primary, every {@link #PERIOD}.
	 *
	 * @param heapUsedBytes heap in use
	 * @param heapMaxBytes maximum heap
	 * @param residentBytes resident memory of the process
	 * @param requests requests served so far (finished), warm-up requests left out
	 * @param busyThreads request threads busy now
	 * @param maxThreads request threads the web server may have, 0 when unknown
	 */
	record Heartbeat(long heapUsedBytes, long heapMaxBytes, long residentBytes, long requests, int busyThreads,
			int maxThreads) implements ClusterMessage {

		/**
		 * How often a worker sends one.
		 */
		public static final Duration PERIOD = Duration.ofSeconds(2);

	}

	/**
	 * Primary to worker: run the cluster's single-worker jobs from now on, or stop
	 * running them and say {@link LeadershipReleased} once none runs.
	 *
	 * @param term the grant this is about, counted by the primary
	 * @param granted whether the worker runs them
	 */
	record Leadership(long term, boolean granted) implements ClusterMessage {

	}

	/**
	 * Worker to primary: it gave up the single-worker jobs of a term, none of them runs.
	 *
	 * @param term the term
	 */
	record LeadershipReleased(long term) implements ClusterMessage {

	}

	/**
	 * Primary to worker: take no more connections from the shared port, the primary found
	 * this worker hung and is replacing it; the connections it holds are served as it
	 * can.
	 */
	record StopAccepting() implements ClusterMessage {

	}

	/**
	 * Worker to primary, on an operator's behalf; answered by a {@link Reply} with the
	 * same id.
	 */
	sealed interface Request extends ClusterMessage {

		/**
		 * The id the reply carries, unique per worker.
		 * @return the id
		 */
		long id();

	}

	/**
	 * Asks for the state of the whole cluster.
	 *
	 * @param id the request id
	 */
	record StatusRequest(long id) implements Request {

	}

	/**
	 * Asks for a rolling reload, or to join the one that runs.
	 *
	 * @param id the request id
	 */
	record ReloadRequest(long id) implements Request {

	}

	/**
	 * Asks to grow or shrink the cluster.
	 *
	 * @param id the request id
	 * @param instances the new size, in the forms {@code app.cluster.instances} takes
	 */
	record ScaleRequest(long id, String instances) implements Request {

	}

	/**
	 * Asks for the metrics of the whole cluster, as one Prometheus scrape.
	 *
	 * @param id the request id
	 * @param format the exposition format
	 */
	record MetricsRequest(long id, MetricsFormat format) implements Request {

	}

	/**
	 * Primary to worker: this worker's own metrics, for the cluster's scrape.
	 *
	 * @param scrape the scrape this is part of
	 * @param format the exposition format
	 */
	record ScrapeRequest(long scrape, MetricsFormat format) implements ClusterMessage {

	}

	/**
	 * Worker to primary: its own metrics.
	 *
	 * @param scrape the scrape this answers
	 * @param exposition the metrics in the asked format
	 */
	record ScrapeReply(long scrape, String exposition) implements ClusterMessage {

	}

	/**
	 * Primary to worker: the answer to a {@link Request}.
	 */
	sealed interface Reply extends ClusterMessage {

		/**
		 * The id of the request this answers.
		 * @return the id
		 */
		long id();

	}

	/**
	 * The state of the cluster.
	 *
	 * @param id the request id
	 * @param status the state
	 */
	record StatusReply(long id, ClusterStatus status) implements Reply {

	}

	/**
	 * A reload the primary accepted.
	 *
	 * @param id the request id
	 * @param reloadId the reload's id
	 * @param started whether this request started it (false: it joined a running one)
	 */
	record ReloadReply(long id, String reloadId, boolean started) implements Reply {

	}

	/**
	 * A change of size the primary accepted.
	 *
	 * @param id the request id
	 * @param from workers before
	 * @param to workers after
	 */
	record ScaleReply(long id, int from, int to) implements Reply {

	}

	/**
	 * The metrics of every live worker, each series labelled with its worker id, and the
	 * primary's own.
	 *
	 * @param id the request id
	 * @param exposition the merged metrics
	 */
	record MetricsReply(long id, String exposition) implements Reply {

	}

	/**
	 * A request the primary refused, such as a scale to a malformed size.
	 *
	 * @param id the request id
	 * @param reason why, in words for the operator
	 */
	record Refused(long id, String reason) implements Reply {

	}

}
