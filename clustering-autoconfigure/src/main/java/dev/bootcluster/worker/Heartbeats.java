package dev.bootcluster.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.os.ProcessMemory;

/**
 * Tells the primary every two seconds how this worker is: heap, resident memory and the
 * requests it has served.
 */
final class Heartbeats {

	private static final long PERIOD_MILLIS = 2000;

	private final AtomicLong requestsServed = new AtomicLong();

	private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private final PrimaryConnection connection;

	Heartbeats(PrimaryConnection connection) {
		this.connection = connection;
	}

	/**
	 * Send one now and then one every period.
	 * @param scheduler the worker agent's scheduler
	 */
	void start(ScheduledExecutorService scheduler) {
		scheduler.scheduleAtFixedRate(this::send, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
	}

	void requestServed() {
		this.requestsServed.incrementAndGet();
	}

	private void send() {
		MemoryUsage heap = this.memory.getHeapMemoryUsage();
		this.connection.send(new ClusterMessage.Heartbeat(heap.getUsed(), heap.getMax(), ProcessMemory.residentBytes(),
				this.requestsServed.get()));
	}

}
