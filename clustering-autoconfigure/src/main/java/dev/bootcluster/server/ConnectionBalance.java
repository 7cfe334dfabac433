package dev.bootcluster.server;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Evens out the connections the workers hold on the shared port.
 * <p>
 * Every worker accepts from one shared queue, and the kernel hands a connection to
 * whichever acceptor asks first: a burst of keep-alive connections can land mostly in one
 * worker (27 of 32 were seen) while another idles. Here each worker publishes how many
 * connections it holds in a table the primary shares with every worker (a small file
 * mapped into each process, one slot per running worker process). An acceptor whose
 * worker holds more than one connection above the least loaded worker that takes
 * connections waits a moment before it accepts, so that the queued connection goes to
 * that worker. The wait is bounded, and an acceptor that waited in vain accepts without
 * waiting until another worker's count moves again: a worker that stops taking
 * connections (a long pause, a hang) never slows the others for more than one wait.
 */
public final class ConnectionBalance {

	/** Worker processes running at once, replacements during a reload included. */
	public static final int SLOTS = 256;

	/** Per slot: connections held plus one while taking connections, 0 otherwise. */
	private static final int HELD = 0;

	/** Per slot: how many times the slot changed. */
	private static final int CHANGES = 1;

	private static final int INTS_PER_SLOT = 2;

	private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

	private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

	private final ByteBuffer table;

	private final int slot;

	private boolean withdrawn;

	/** The other slots' change count when a wait last ran out, or -1. */
	private long othersWhenWaitRanOut = -1;

	private ConnectionBalance(ByteBuffer table, int slot) {
		this.table = table;
		this.slot = slot;
	}

	/**
	 * Map a worker's slot of the table the primary created.
	 * @param file the table
	 * @param slot the worker's slot
	 * @return the balance
	 * @throws IOException when the table cannot be mapped
	 */
	public static ConnectionBalance open(Path file, int slot) throws IOException {
		if (slot < 0 || slot >= SLOTS) {
			throw new IllegalArgumentException("No slot " + slot + " in a table of " + SLOTS);
		}
		return new ConnectionBalance(map(file), slot);
	}

	private static ByteBuffer map(Path file) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			return channel.map(FileChannel.MapMode.READ_WRITE, 0, (long) SLOTS * INTS_PER_SLOT * Integer.BYTES);
		}
	}

	/**
	 * Publish how many connections this worker holds; ignored once withdrawn.
	 * @param held connections held, plus one while the acceptor takes connections
	 */
	public synchronized void publish(int held) {
		if (!this.withdrawn) {
			write(this.table, this.slot, Math.max(held, 1));
		}
	}

	/**
	 * Take this worker out of the balance for good: it takes no more connections.
	 */
	public synchronized void withdraw() {
		this.withdrawn = true;
		write(this.table, this.slot, 0);
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
		for (int other = 0; other < SLOTS; other++) {
			int held = (other != this.slot) ? read(this.table, other, HELD) : 0;
			if (held > 0) {
				least = Math.min(least, held);
			}
		}
		return least;
	}

	private long otherChanges() {
		long changes = 0;
		for (int other = 0; other < SLOTS; other++) {
			if (other != this.slot) {
				changes += read(this.table, other, CHANGES) & 0xFFFFFFFFL;
			}
		}
		return changes;
	}

	private static int read(ByteBuffer table, int slot, int field) {
		return (int) INT.getVolatile(table, (slot * INTS_PER_SLOT + field) * Integer.BYTES);
	}

	private static void write(ByteBuffer table, int slot, int held) {
		INT.setVolatile(table, (slot * INTS_PER_SLOT + HELD) * Integer.BYTES, held);
		INT.getAndAdd(table, (slot * INTS_PER_SLOT + CHANGES) * Integer.BYTES, 1);
	}

	/**
	 * The primary's side: creates the table and hands out slots, one per running worker
	 * process, clearing a slot when its process ends.
	 */
	public static final class Table {

		private final Path file;

		private final ByteBuffer table;

		private final BitSet used = new BitSet(SLOTS);

		private Table(Path file, ByteBuffer table) {
			this.file = file;
			this.table = table;
		}

		/**
		 * Create an empty table.
		 * @param file where; private to the primary's user
		 * @return the table
		 * @throws IOException when it cannot be written
		 */
		public static Table create(Path file) throws IOException {
			Files.write(file, new byte[SLOTS * INTS_PER_SLOT * Integer.BYTES]);
			return new Table(file, map(file));
		}

		public Path file() {
			return this.file;
		}

		/**
		 * A free slot for a worker process about to start.
		 * @return the slot, or -1 when every slot is in use
		 */
		public synchronized int allocate() {
			int slot = this.used.nextClearBit(0);
			if (slot >= SLOTS) {
				return -1;
			}
			this.used.set(slot);
			return slot;
		}

		/**
		 * Free the slot of a worker process that ended, whatever it last published.
		 * @param slot the slot
		 */
		public synchronized void release(int slot) {
			write(this.table, slot, 0);
			this.used.clear(slot);
		}

	}

}
