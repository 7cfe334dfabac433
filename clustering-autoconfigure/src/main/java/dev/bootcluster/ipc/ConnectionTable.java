package dev.bootcluster.ipc;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A small file in the primary's run directory, mapped into the primary and every worker,
 * where each running worker process publishes how many connections it holds on the shared
 * port: one slot per process, two ints per slot. The primary creates it and hands out
 * slots; a worker writes only its own slot and reads the others'.
 */
public final class ConnectionTable {

	/** Worker processes running at once, replacements during a reload included. */
	public static final int SLOTS = 256;

	/** Per slot: connections held plus one while taking connections, 0 otherwise. */
	private static final int HELD = 0;

	/** Per slot: how many times the slot changed. */
	private static final int CHANGES = 1;

	private static final int INTS_PER_SLOT = 2;

	private static final int BYTES = SLOTS * INTS_PER_SLOT * Integer.BYTES;

	private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

	private final Path file;

	private final ByteBuffer table;

	private ConnectionTable(Path file, ByteBuffer table) {
		this.file = file;
		this.table = table;
	}

	/**
	 * Create an empty table (the primary).
	 * @param file where; private to the primary's user
	 * @return the table
	 * @throws IOException when it cannot be written
	 */
	public static ConnectionTable create(Path file) throws IOException {
		Files.write(file, new byte[BYTES]);
		return open(file);
	}

	/**
	 * Map a table the primary created (a worker).
	 * @param file the table
	 * @return the table
	 * @throws IOException when it cannot be mapped
	 */
	public static ConnectionTable open(Path file) throws IOException {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			return new ConnectionTable(file, channel.map(FileChannel.MapMode.READ_WRITE, 0, BYTES));
		}
	}

	public Path file() {
		return this.file;
	}

	/**
	 * What a slot holds.
	 * @param slot the slot
	 * @return connections plus one while its worker takes connections, 0 otherwise
	 */
	public int held(int slot) {
		return (int) INT.getVolatile(this.table, offset(slot, HELD));
	}

	/**
	 * How many times a slot was written, to tell whether another worker moved.
	 * @param slot the slot
	 * @return the count, wrapping around
	 */
	public long changes(int slot) {
		return (int) INT.getVolatile(this.table, offset(slot, CHANGES)) & 0xFFFFFFFFL;
	}

	/**
	 * Write a slot.
	 * @param slot the slot
	 * @param held connections plus one while taking connections, 0 to leave the balance
	 */
	public void write(int slot, int held) {
		INT.setVolatile(this.table, offset(slot, HELD), held);
		INT.getAndAdd(this.table, offset(slot, CHANGES), 1);
	}

	private static int offset(int slot, int field) {
		if (slot < 0 || slot >= SLOTS) {
			throw new IllegalArgumentException("No slot " + slot + " in a table of " + SLOTS);
		}
		return (slot * INTS_PER_SLOT + field) * Integer.BYTES;
	}

}
