package dev.bootcluster.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import dev.bootcluster.ipc.ConnectionTable;

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
 * one wait.
 */
public final class ConnectionBalance {

	private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

	private final ConnectionTable table;

	private final int slot;

	private boolean withdrawn;

	/** The other slots' change count when a wait last ran out, or -1. */
	private long othersWhenWaitRanOut = -1;

	/**
	 * Take part in the balance through a slot of the table the primary created.
	 * @param table the table
	 * @param slot this worker's slot
	 */
	public ConnectionBalance(ConnectionTable table, int slot) {
		if (slot < 0 || slot >= ConnectionTable.SLOTS) {
			throw new IllegalArgumentException("No slot " + slot + " in a table of " + ConnectionTable.SLOTS);
		}
		this.table = table;
		this.slot = slot;
	}

	/**
	 * Publish how many connections this worker holds; ignored once withdrawn.
	 * @param held connections held, plus one while the acceptor takes connections
	 */
	public synchronized void publish(int held) {
		if (!this.withdrawn) {
			this.table.write(this.slot, Math.max(held, 1));
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
	 * @param held connections this worker holds, counted as published
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
		while (held.getAsInt() > leastHeldByOthers() + 1 && keepWaiting.getAsBoolean()) {
			if (System.nanoTime() - deadline >= 0) {
				this.othersWhenWaitRanOut = otherChanges();
				break;
			}
			waited = true;
			LockSupport.parkNanos(POLL_NANOS);
		}
		return waited;
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
