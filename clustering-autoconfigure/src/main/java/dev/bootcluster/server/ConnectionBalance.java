package dev.bootcluster.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import dev.bootcluster.ipc.ConnectionTable;
import dev.bootcluster.os.CpuAvailability;

/**
 * Evens out the connections the workers hold on the shared port.
 * <p>
 * Every worker accepts from one shared queue, and the kernel hands a connection to
 * whichever acceptor asks first: a burst of keep-alive connections can land mostly in one
 * worker (27 of 32 were seen) while another idles. Here each worker publishes how many
 * connections it holds in the {@link ConnectionTable} the primary shares with every
 * worker. An acceptor whose worker holds more than one connection above the least loaded
 * worker that takes connections waits a moment before it accepts, so that the queued
 * connection goes to that worker. The wait is bounded, and an acceptor that waited in
 * vain accepts without waiting until another worker's count moves again: a worker that
 * stops taking connections (a long pause, a hang) never slows the others for more than
 * one wait. Such an acceptor then blocks in the kernel's accept, where it takes the next
 * connection as often as the others' acceptors do, so a connection it takes above its
 * share while the least loaded worker's count moves is closed after its next response
 * ({@link #acceptedAboveShare(int)}).
 * <p>
 * Keep-alive connections outlive the accept that placed them: a burst taken while the
 * other worker's acceptor waited for its CPU, or a worker restarted while the survivor
 * held every connection, would leave the split uneven for as long as the clients keep
 * their connections. So a worker above its share also hands connections back
 * ({@link #handBack(int, long)}): each is closed after its next response, and its
 * client's new connection goes through the balanced accept.
 * <p>
 * A worker that joins serving workers runs code its JIT compiler has not finished, so for
 * a while after it opens it counts each connection it holds as more than one
 * ({@link SlowStart}). So does a worker pinned to a CPU that other processes take part of
 * ({@link CpuShare}): it serves more slowly for as long as they run there.
 */
public final class ConnectionBalance {

	private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

	private static final long MIN_HAND_BACK_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private static final long MAX_HAND_BACK_PAUSE_MILLIS = 3200;

	private static final long MAX_HAND_BACK_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(MAX_HAND_BACK_PAUSE_MILLIS);

	private final ConnectionTable table;

	private final int slot;

	private final boolean handsBack;

	private boolean withdrawn;

	/**
	 * The other slots' change count when a wait last ran out, or -1; the acceptor's
	 * thread only, as are the two fields below.
	 */
	private long othersWhenWaitRanOut = -1;

	/** The least loaded other slot when a wait last ran out, or -1. */
	private int leastWhenWaitRanOut = -1;

	/** That slot's change count then. */
	private long leastChangesWhenWaitRanOut;

	/** When the next hand-back may happen ({@link System#nanoTime()}), or 0. */
	private long nextHandBack;

	private long handBackPause = MIN_HAND_BACK_PAUSE_NANOS;

	private final SlowStart slowStart;

	private final CpuShare cpuShare;

	/** The count last published, or 0. */
	private int published;

	/**
	 * Take part in the balance through a slot of the table the primary created.
	 * @param table the table
	 * @param slot this worker's slot
	 * @param handsBack whether {@link #handBack(int, long)} hands connections back, or
	 * always answers 0
	 * @param slowStart how long this worker's share grows from its first published count
	 * ({@code app.cluster.worker.slow-start}); zero for none
	 */
	public ConnectionBalance(ConnectionTable table, int slot, boolean handsBack, Duration slowStart) {
		this(table, slot, handsBack, slowStart, CpuShare.WHOLE, System::nanoTime);
	}

	/**
	 * Take part in the balance as a worker pinned to CPUs of its own: while other
	 * processes take part of them, it holds fewer connections ({@link CpuShare}).
	 * @param table the table
	 * @param slot this worker's slot
	 * @param handsBack whether {@link #handBack(int, long)} hands connections back
	 * @param slowStart how long this worker's share grows from its first published count
	 * @param ownCpus the CPUs this worker is pinned to
	 */
	public ConnectionBalance(ConnectionTable table, int slot, boolean handsBack, Duration slowStart, int[] ownCpus) {
		this(table, slot, handsBack, slowStart, new CpuShare(new CpuAvailability(ownCpus)), System::nanoTime);
	}

	ConnectionBalance(ConnectionTable table, int slot, boolean handsBack, Duration slowStart, CpuShare cpuShare,
			LongSupplier clock) {
		if (slot < 0 || slot >= ConnectionTable.SLOTS) {
			throw new IllegalArgumentException("No slot " + slot + " in a table of " + ConnectionTable.SLOTS);
		}
		this.table = table;
		this.slot = slot;
		this.handsBack = handsBack;
		this.slowStart = new SlowStart(slowStart, clock);
		this.cpuShare = cpuShare;
	}

	/**
	 * Publish how many connections this worker holds, counted as its slow start (which
	 * the first count begins) and its share of its CPUs have it; ignored once withdrawn.
	 * @param held connections held, plus one while the acceptor takes connections
	 */
	public synchronized void publish(int held) {
		if (!this.withdrawn) {
			this.slowStart.begin();
			this.published = Math.max(countedNow(held), 1);
			this.table.write(this.slot, this.published);
		}
	}

	/**
	 * Measure this worker's share of its CPUs again when it is due, and publish again
	 * when the same connections count differently now: keep-alive connections may neither
	 * open nor close while its slow start's share grows or its CPU share moves. Called
	 * periodically on one thread, once this worker has published.
	 * @param held connections held, plus one while the acceptor takes connections
	 * @param now {@link System#nanoTime()}
	 */
	public void republish(int held, long now) {
		// Outside the lock, which accepts and closed connections take to publish: the
		// refresh reads /proc now and then.
		this.cpuShare.refresh(now);
		synchronized (this) {
			if (!this.withdrawn && this.published != 0 && Math.max(countedNow(held), 1) != this.published) {
				publish(held);
			}
		}
	}

	/**
	 * Take this worker out of the balance for good: it takes no more connections.
	 */
	public synchronized void withdraw() {
		this.withdrawn = true;
		this.table.write(this.slot, 0);
	}

	/**
	 * Wait, for a few milliseconds at most, while this worker holds more than one
	 * connection above the least loaded worker that takes connections.
	 * @param held connections this worker holds
	 * @param keepWaiting whether the acceptor still wants to accept; polled
	 * @return {@code true} if the acceptor waited
	 */
	public boolean awaitTurn(IntSupplier held, BooleanSupplier keepWaiting) {
		if (this.othersWhenWaitRanOut >= 0 && this.othersWhenWaitRanOut == otherChanges()) {
			return false;
		}
		this.othersWhenWaitRanOut = -1;
		long deadline = System.nanoTime() + MAX_WAIT_NANOS;
		boolean waited = false;
		while (countedNow(held.getAsInt()) > leastHeldByOthers() + 1 && keepWaiting.getAsBoolean()) {
			if (System.nanoTime() - deadline >= 0) {
				this.othersWhenWaitRanOut = otherChanges();
				this.leastWhenWaitRanOut = leastLoadedOther();
				this.leastChangesWhenWaitRanOut = (this.leastWhenWaitRanOut >= 0)
						? this.table.changes(this.leastWhenWaitRanOut) : 0;
				break;
			}
			waited = true;
			LockSupport.parkNanos(POLL_NANOS);
		}
		return waited;
	}

	/**
	 * Whether a connection this worker's acceptor just took should be closed after its
	 * next response: it took it above this worker's share after a wait had run out, and
	 * the worker that was the least loaded then has moved its count since, so that worker
	 * is alive and the client's next connection should go there. Where that worker's
	 * count stands still (it hangs) the connection stays. Called on the acceptor's
	 * thread.
	 * @param held connections this worker holds, the one just taken included
	 * @return {@code true} to close it after its next response; always {@code false} when
	 * this balance does not hand connections back
	 */
	boolean acceptedAboveShare(int held) {
		int least = this.leastWhenWaitRanOut;
		if (!this.handsBack || this.othersWhenWaitRanOut < 0 || least < 0) {
			return false;
		}
		int leastHeld = this.table.held(least);
		return leastHeld > 0 && this.table.changes(least) != this.leastChangesWhenWaitRanOut
				&& countedNow(held) > leastHeld + 1;
	}

	/**
	 * How many of its connections this worker should hand back now to even out the split:
	 * half its lead over the least loaded worker that takes connections, when that lead
	 * is more than one (during its slow start or while other processes take part of its
	 * CPUs, the lead in connections as it counts them, handed back in connections it
	 * holds). While the lead lasts, hand-backs are spaced out, twice as far each time up
	 * to {@value #MAX_HAND_BACK_PAUSE_MILLIS} ms: connections that only come back here
	 * (the other worker hangs, or its acceptor lost the race) are not closed over and
	 * over.
	 * @param held connections this worker holds, less those already handed back and not
	 * yet closed
	 * @param now {@link System#nanoTime()}
	 * @return connections to hand back, 0 or more; always 0 when this balance does not
	 * hand connections back
	 */
	public synchronized int handBack(int held, long now) {
		if (!this.handsBack) {
			return 0;
		}
		double share = this.slowStart.share(now) * this.cpuShare.share();
		int lead = SlowStart.counted(held, share) - leastHeldByOthers();
		if (lead <= 1) {
			this.handBackPause = MIN_HAND_BACK_PAUSE_NANOS;
			return 0;
		}
		if (this.nextHandBack != 0 && now - this.nextHandBack < 0) {
			return 0;
		}
		this.nextHandBack = now + this.handBackPause;
		this.handBackPause = Math.min(this.handBackPause * 2, MAX_HAND_BACK_PAUSE_NANOS);
		return Math.max(1, (int) (lead * share) / 2);
	}

	/**
	 * Connections as this worker counts them now, its slow start and CPU share applied.
	 */
	private int countedNow(int held) {
		return SlowStart.counted(held, this.slowStart.shareNow() * this.cpuShare.share());
	}

	private int leastHeldByOthers() {
		int least = Integer.MAX_VALUE - 1;
		for (int other = 0; other < ConnectionTable.SLOTS; other++) {
			int held = (other != this.slot) ? this.table.held(other) : 0;
			if (held > 0) {
				least = Math.min(least, held);
			}
		}
		return least;
	}

	/** The other slot that takes connections and holds the fewest, or -1. */
	private int leastLoadedOther() {
		int least = -1;
		int leastHeld = Integer.MAX_VALUE;
		for (int other = 0; other < ConnectionTable.SLOTS; other++) {
			int held = (other != this.slot) ? this.table.held(other) : 0;
			if (held > 0 && held < leastHeld) {
				least = other;
				leastHeld = held;
			}
		}
		return least;
	}

	private long otherChanges() {
		long changes = 0;
		for (int other = 0; other < ConnectionTable.SLOTS; other++) {
			if (other != this.slot) {
				changes += this.table.changes(other);
			}
		}
		return changes;
	}

}
