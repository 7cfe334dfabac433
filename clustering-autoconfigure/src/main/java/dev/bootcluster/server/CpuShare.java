package dev.bootcluster.server;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.os.CpuAvailability;

/**
 * The share of its own CPUs other processes leave a pinned worker, smoothed: it serves at
 * that speed, so it should hold that share of the connections a worker with its CPUs to
 * itself holds ({@link SlowStart#counted(int, double)} applies it).
 * <p>
 * The share is never below a half: a neighbour at the same priority takes about half of a
 * CPU from a worker that keeps it busy, and a worker that is idle beside one would
 * measure less than it gets once it asks ({@link CpuAvailability}).
 */
final class CpuShare {

	private static final Log logger = LogFactory.getLog(CpuShare.class);

	static final double LEAST = 0.5;

	/** How far the smoothed measure moves from the share before the share follows. */
	static final double STEP = 0.05;

	private static final long SAMPLE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	/** A worker that is not pinned: it takes its share of the connections as it is. */
	static final CpuShare WHOLE = new CpuShare((Samples) null);

	private @Nullable Samples samples;

	/** The samples smoothed; the refreshing thread only. */
	private double smoothed = 1;

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
	 * Sample the CPUs again when half a second has passed since the last sample, move the
	 * smoothed measure half way to the sample, and the share to the smoothed measure once
	 * they differ by {@value #STEP} or more (to 1 once the measure is that close to it):
	 * a share that moved by less would only move connections back and forth. Called on
	 * one thread.
	 * @param now {@link System#nanoTime()}
	 */
	void refresh(long now) {
		Samples samples = this.samples;
		if (samples == null || (this.lastSample != Long.MIN_VALUE && now - this.lastSample < SAMPLE_NANOS)) {
			return;
		}
		this.lastSample = now;
		double sample;
		try {
			sample = samples.next();
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Holding as many connections as the other workers however much of its CPUs other processes "
					+ "take (" + ex.getMessage() + ")");
			this.samples = null;
			this.share = 1;
			return;
		}
		if (sample < 0) {
			return;
		}
		this.smoothed = Math.max(LEAST, Math.min(1, (this.smoothed + sample) / 2));
		double target = (this.smoothed > 1 - STEP) ? 1 : this.smoothed;
		if (Math.abs(target - this.share) >= STEP || target == 1 || target == LEAST) {
			this.share = target;
		}
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
