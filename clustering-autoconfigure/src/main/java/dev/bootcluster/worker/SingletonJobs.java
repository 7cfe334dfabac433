package dev.bootcluster.worker;

import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.scheduling.SingletonGate;

/**
 * The worker's side of the single-worker jobs: opens this worker's {@link SingletonGate}
 * when the primary gives it the jobs, closes it when the primary takes them back, and
 * says so once none of them runs any more.
 */
final class SingletonJobs implements Consumer<ClusterMessage> {

	private static final Log logger = LogFactory.getLog(SingletonJobs.class);

	private final SingletonGate gate = new SingletonGate(false);

	private volatile @Nullable PrimaryConnection connection;

	SingletonGate gate() {
		return this.gate;
	}

	void reportTo(PrimaryConnection connection) {
		this.connection = connection;
	}

	@Override
	public void accept(ClusterMessage message) {
		if (!(message instanceof ClusterMessage.Leadership leadership)) {
			return;
		}
		if (leadership.granted()) {
			this.gate.open();
			logger.info("Running the cluster's single-worker jobs (term " + leadership.term() + ")");
			return;
		}
		this.gate.close(() -> {
			logger.info("Gave up the cluster's single-worker jobs (term " + leadership.term() + ")");
			PrimaryConnection connection = this.connection;
			if (connection != null) {
				connection.send(new ClusterMessage.LeadershipReleased(leadership.term()));
			}
		});
	}

}
