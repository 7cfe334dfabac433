package dev.bootcluster.primary;

import java.util.Collection;
import java.util.Comparator;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.ipc.WorkerState;

/**
 * Which worker runs the cluster's single-worker jobs ({@code @ClusterSingleton}): one
 * ready worker at a time, never two. A worker that is to lose them (it drains, or is
 * being replaced) is told first, and another gets them only once it said none runs any
 * more, or died. Runs on the supervisor's thread.
 */
final class Leadership {

	private static final Log logger = LogFactory.getLog(Leadership.class);

	private final Supervisor.Replier replier;

	private @Nullable WorkerRun leader;

	private @Nullable WorkerRun releasing;

	private long term;

	Leadership(Supervisor.Replier replier) {
		this.replier = replier;
	}

	/**
	 * Move the jobs if their worker can no longer run them, and give them to a ready
	 * worker if none runs them.
	 * @param runs every process the primary tracks
	 */
	void reconcile(Collection<WorkerRun> runs) {
		if (this.releasing != null && !this.releasing.isLive()) {
			this.releasing = null;
		}
		WorkerRun leader = this.leader;
		if (leader != null && !canLead(leader)) {
			this.leader = null;
			if (leader.isLive()) {
				this.releasing = leader;
				this.replier.send(leader.pid(), new ClusterMessage.Leadership(this.term, false));
			}
		}
		if (this.leader != null || this.releasing != null) {
			return;
		}
		runs.stream()
			.filter(Leadership::canLead)
			.min(Comparator.comparingInt(WorkerRun::workerId))
			.ifPresent(this::grant);
	}

	private static boolean canLead(WorkerRun run) {
		return run.state() == WorkerState.READY && !run.isBeingReplaced() && !run.isClosing();
	}

	/**
	 * A worker gave up the jobs.
	 * @param run the worker
	 * @param term the term it gave up
	 */
	void released(WorkerRun run, long term) {
		if (run == this.releasing && term == this.term) {
			this.releasing = null;
		}
	}

	private void grant(WorkerRun run) {
		this.leader = run;
		this.term++;
		this.replier.send(run.pid(), new ClusterMessage.Leadership(this.term, true));
		logger.info(run.describe() + " runs the single-worker jobs (term " + this.term + ")");
	}

}
