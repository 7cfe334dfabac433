package dev.bootcluster.primary;

import java.util.BitSet;

import dev.bootcluster.ipc.ConnectionTable;

/**
 * Hands out the slots of the {@link ConnectionTable}, one per running worker process, and
 * clears a slot when its process ends, whatever the process last wrote there.
 */
final class ConnectionSlots {

	private final ConnectionTable table;

	private final BitSet used = new BitSet(ConnectionTable.SLOTS);

	ConnectionSlots(ConnectionTable table) {
		this.table = table;
	}

	ConnectionTable table() {
		return this.table;
	}

	/**
	 * A free slot for a worker process about to start.
	 * @return the slot, or -1 when every slot is in use
	 */
	synchronized int allocate() {
		int slot = this.used.nextClearBit(0);
		if (slot >= ConnectionTable.SLOTS) {
			return -1;
		}
		this.used.set(slot);
		return slot;
	}

	/**
	 * Free the slot of a worker process that ended.
	 * @param slot the slot, or -1 for none
	 */
	synchronized void release(int slot) {
		if (slot >= 0) {
			this.table.write(slot, 0);
			this.used.clear(slot);
		}
	}

}
