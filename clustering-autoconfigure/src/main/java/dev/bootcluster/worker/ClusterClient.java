package dev.bootcluster.worker;

import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.MetricsFormat;

/**
 * What a worker can ask its primary on an operator's behalf. Every call goes to the
 * primary, so any worker answers for the whole cluster.
 */
public interface ClusterClient {

	/**
	 * The state of the whole cluster.
	 * @return the status
	 * @throws ClusterOperationException when the primary does not answer
	 */
	ClusterStatus status();

	/**
	 * Start a rolling reload, or join the one that runs.
	 * @return the reload's id and whether this call started it
	 * @throws ClusterOperationException when the primary refuses or does not answer
	 */
	ReloadTicket reload();

	/**
	 * Grow or shrink the cluster.
	 * @param instances the new size, in the forms {@code app.cluster.instances} accepts
	 * @return the size before and after
	 * @throws ClusterOperationException when the value is invalid or the primary refuses
	 */
	Scaling scale(String instances);

	/**
	 * The metrics of every live worker, each series labelled with its worker id, and the
	 * primary's own, as one Prometheus exposition.
	 * @param format the exposition format
	 * @return the exposition
	 * @throws ClusterOperationException when the primary does not answer
	 */
	String metrics(MetricsFormat format);

	/**
	 * A reload the primary accepted.
	 *
	 * @param id the reload's id
	 * @param started whether this request started it (false: one was already running)
	 */
	record ReloadTicket(String id, boolean started) {

	}

	/**
	 * A change of the cluster's size.
	 *
	 * @param from workers before
	 * @param to workers after
	 */
	record Scaling(int from, int to) {

	}

}
