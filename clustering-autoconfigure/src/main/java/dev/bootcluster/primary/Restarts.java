package dev.bootcluster.primary;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.ExitReason;
import dev.bootcluster.ipc.WorkerState;

/**
 * What happens to a worker id whose process failed (exited unasked, or could not be
 * forked): it is restarted after its {@link RestartPolicy}'s backoff, or, in a crash
 * loop, the cluster stops with the failing worker's own words. Runs on the supervisor's
 * thread.
 */
final class Restarts {

	private static final Log logger = LogFactory.getLog(Restarts.class);

	private final ClusterProperties.Restart config;

	private final SupervisorLoop loop;

	private final Consumer<WorkerSlot> restart;

	private final Runnable giveUp;

	private final BooleanSupplier serving;

	/**
	 * @param config {@code app.cluster.restart}
	 * @param loop the supervisor's loop, for the backoff
	 * @param restart queues a worker id to start again
	 * @param giveUp stops the cluster with exit code 1
	 * @param serving whether any worker is ready now
	 */
	Restarts(ClusterProperties.Restart config, SupervisorLoop loop, Consumer<WorkerSlot> restart, Runnable giveUp,
			BooleanSupplier serving) {
		this.config = config;
		this.loop = loop;
		this.restart = restart;
		this.giveUp = giveUp;
		this.serving = serving;
	}

	/**
	 * A worker id's process exited without being asked to.
	 * @param slot the worker id
	 * @param run the process
	 * @param code its exit code
	 * @param previous its state before it exited
	 */
	void failed(WorkerSlot slot, WorkerRun run, int code, WorkerState previous) {
		ExitReason reason = (run.exitReason() != null) ? run.exitReason() : ExitStatus.unaskedReason(code);
		slot.lastExit(ExitStatus.record(code, reason));
		Duration readyFor = run.readyFor();
		Duration delay = slot.restartPolicy().onFailure(System.nanoTime(), run.uptime(), readyFor, reason);
		if (delay == null) {
			logger.error(run.describe() + " failed " + slot.restartPolicy().recentFailures() + " times within "
					+ this.config.getWindow().toSeconds() + " s; stopping the cluster."
					+ ((previous == WorkerState.STARTING) ? " It never became ready. " : " ") + "Its last output:"
					+ System.lineSeparator()
					+ String.join(System.lineSeparator(), ExitStatus.excerpt(run.handle().outputTail())));
			this.giveUp.run();
			return;
		}
		boolean served = slot.restartPolicy().servedBeforeFailing(readyFor, reason);
		String outage = "";
		if (served && !this.serving.getAsBoolean() && delay.compareTo(this.config.getInitialBackoff()) > 0) {
			// It could run, and no other worker serves: a longer backoff would only
			// prolong the outage.
			delay = this.config.getInitialBackoff();
			outage = ", as no other worker is ready";
		}
		logger
			.warn(run.describe() + " exited with " + ExitStatus.describe(code) + " after "
					+ LogFormat.seconds(run.uptime())
					+ (served ? " (" + reason.value() + " after " + LogFormat.seconds(readyFor)
							+ " ready: not a crash loop)" : "")
					+ "; restarting "
					+ (delay.isZero() ? "at once, as it had run stably" : "in " + LogFormat.seconds(delay)) + outage
					+ " (restart " + slot.countRestart() + ")");
		this.loop.schedule(() -> {
			// A reload may have replaced the process meanwhile.
			if (slot.current() == run) {
				slot.restoring(served);
				this.restart.accept(slot);
			}
		}, delay);
	}

	/**
	 * A worker id's process could not be forked (no memory, too many processes): it
	 * counts as a failure to start, and is tried again after the backoff.
	 * @param slot the worker id
	 */
	void couldNotStart(WorkerSlot slot) {
		Duration delay = slot.restartPolicy().onFailure(System.nanoTime(), Duration.ZERO, null, ExitReason.CRASHED);
		if (delay == null) {
			logger.error("worker " + slot.id() + " could not be started " + slot.restartPolicy().recentFailures()
					+ " times within " + this.config.getWindow().toSeconds() + " s; stopping the cluster");
			this.giveUp.run();
			return;
		}
		logger.warn("worker " + slot.id() + " trying again in " + LogFormat.seconds(delay));
		this.loop.schedule(() -> this.restart.accept(slot), delay);
	}

}
