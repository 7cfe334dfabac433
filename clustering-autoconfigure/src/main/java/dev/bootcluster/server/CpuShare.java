package dev.bootcluster.server;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.os.CpuAvailability;

/**
 * How much of its own CPUs a pinned worker gets, smoothed: the share of the connections
 * it should hold against a worker whose CPUs nothing else uses.
 * <p>
 * A pinned worker cannot move off its CPU when another process runs there (a busy
 * neighbour, the load generator). It then serves at, say, half the speed of the other
 * workers; with as many connections as they hold, its clients wait twice as long, and the
 * cluster's tail latency is that worker's. Counting its connections as more than one each
 * ({@link SlowStart#counted(int, double)}) leaves the others more of them, as one JVM on
 * all CPUs would spread its threads.
 */
final class CpuShare {

	private static final Log logger = LogFactory.getLog(CpuShare.class);

	/** The least share: a worker that gets less still takes some connections. */
	static final double LEAST = 0.25;

	private static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	/** A worker that is not pinned: it takes its share of the connections as it is. */
	static final CpuShare WHOLE = new CpuShare((Samples) null);

	private @Nullable Samples samples;

	private volatile double share = 1;

	private long lastSample = Long.MIN_VALUE;

	/**
	 * Measure the CPUs a worker is pinned to.
	 * @param availability their availability
	 */
	CpuShare(CpuAvailability availability) {
		this(availability::sample);
	}

	CpuShare(@Nullable Samples samples) {
		this.samples = samples;
	}

	/**
	 * The share, at most 1 and at least {@value #LEAST}.
	 * @return the share as last refreshed
	 */
	double share() {
		return this.share;
	}

	/**
	 * Sample the CPUs again when half a second has passed since the last sample, and move
	 * the share half way to what they gave since. Called on one thread.
	 * @param now {@link System#nanoTime()}
	 * @return whether the share changed
	 */
	boolean refresh(long now) {
		Samples samples = this.samples;
		if (samples == null || (this.lastSample != Long.MIN_VALUE && now - this.lastSample < SAMPLE_NANOS)) {
			return false;
		}
		this.lastSample = now;
		double sample;
		try {
			sample = samples.next();
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Taking connections as if this worker had its CPUs to itself: cannot read their times (" + ex
					+ ")");
			this.samples = null;
			this.share = 1;
			return true;
		}
		if (sample < 0) {
			return false;
		}
		double previous = this.share;
		this.share = Math.max(LEAST, Math.min(1, (previous + sample) / 2));
		return this.share != previous;
	}

	/**
	 * The share of its CPUs a worker could use since the previous call, between 0 and 1,
	 * or below 0 when not known yet.
	 */
	@FunctionalInterface
	interface Samples {

		double next() throws IOException;

	}

}
