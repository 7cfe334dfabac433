package dev.bootcluster.server;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How a worker that joins serving workers counts its connections while its JIT compiler
 * catches up ({@code app.cluster.worker.slow-start}): as more than one each, so that it
 * holds a quarter as many as the least loaded other worker at first and as many at the
 * end.
 * <p>
 * Such a worker serves more slowly than one that has served for a while: with as many
 * connections as the others, its clients would wait longest.
 */
final class SlowStart {

	/**
	 * How many connections a worker holds, against the least loaded other worker, when
	 * its slow start begins.
	 */
	private static final double FIRST_SHARE = 0.25;

	private static final long NOT_BEGUN = Long.MIN_VALUE;

	private final long nanos;

	private final LongSupplier clock;

	/** When the slow start began ({@link System#nanoTime()}), or {@link #NOT_BEGUN}. */
	private volatile long began = NOT_BEGUN;

	/** Whether the slow start is over, or there is none: every connection counts once. */
	private volatile boolean over;

	SlowStart(Duration length, LongSupplier clock) {
		this.nanos = length.toNanos();
		this.clock = clock;
		this.over = this.nanos <= 0;
	}

	/**
	 * Begin the slow start, unless it has begun or there is none.
	 */
	void begin() {
		if (!this.over && this.began == NOT_BEGUN) {
			this.began = this.clock.getAsLong();
		}
	}

	/**
	 * The share of its connections the worker takes: during the slow start from a quarter
	 * to all of them, evenly over its length; all of them before it begins.
	 * @param now {@link System#nanoTime()}
	 * @return the share, above 0 and at most 1
	 */
	double share(long now) {
		if (this.over) {
			return 1;
		}
		long began = this.began;
		if (began == NOT_BEGUN) {
			return 1;
		}
		long elapsed = now - began;
		if (elapsed >= this.nanos) {
			this.over = true;
			return 1;
		}
		return FIRST_SHARE + (1 - FIRST_SHARE) * elapsed / this.nanos;
	}

	/**
	 * The share now.
	 * @return the share, above 0 and at most 1
	 */
	double shareNow() {
		return this.over ? 1 : share(this.clock.getAsLong());
	}

	/**
	 * Connections as the worker counts them with the given share: each connection it
	 * holds as the inverse of its share, the one its acceptor waits for once, so that an
	 * idle worker counts as idle.
	 * @param held connections held, plus one while the acceptor takes connections
	 * @param share the share from {@link #share(long)}
	 * @return the count to compare with the other workers'
	 */
	static int counted(int held, double share) {
		if (share >= 1 || held <= 1) {
			return held;
		}
		return (int) Math.min(Integer.MAX_VALUE - 1L, 1 + (long) Math.ceil((held - 1) / share));
	}

}
