package dev.bootcluster.worker;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.bootcluster.ipc.ClusterMessage;
import dev.bootcluster.os.ProcessMemory;
import dev.bootcluster.server.AcceptGate;
import dev.bootcluster.server.RequestThreads;

/**
 * Tells the primary every two seconds how this worker is: heap, resident memory, the
 * requests it has served and how busy its request threads are. The primary recycles and
 * watches workers by what they say here, and counts a silent one as hung.
 */
final class Heartbeats {

	private static final Log logger = LogFactory.getLog(Heartbeats.class);

	private final AtomicLong requestsServed = new AtomicLong();

	private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

	private final PrimaryConnection connection;

	private volatile RequestThreads requestThreads = RequestThreads.UNKNOWN;

	Heartbeats(PrimaryConnection connection) {
		this.connection = connection;
	}

	/**
	 * Send one now and then one every period.
	 * @param scheduler the worker agent's scheduler
	 */
	void start(ScheduledExecutorService scheduler) {
		scheduler.scheduleAtFixedRate(this::send, 0, ClusterMessage.Heartbeat.PERIOD.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Report how busy the request threads are, once the web server serves.
	 * @param threads the web server's request threads
	 */
	void watch(RequestThreads threads) {
		this.requestThreads = threads;
	}

	/**
	 * Count a request this worker finished. Warm-up requests, served before the accept
	 * gate opens, are not the application's traffic and are left out.
	 */
	void requestServed() {
		if (AcceptGate.inheritedSocket().isOpen()) {
			this.requestsServed.incrementAndGet();
		}
	}

	private void send() {
		try {
			MemoryUsage heap = this.memory.getHeapMemoryUsage();
			RequestThreads threads = this.requestThreads;
			this.connection
				.send(new ClusterMessage.Heartbeat(heap.getUsed(), heap.getMax(), ProcessMemory.residentBytes(),
						this.requestsServed.get(), threads.busy().getAsInt(), threads.max().getAsInt()));
		}
		catch (RuntimeException ex) {
			// A failed heartbeat must not cancel the next ones: the primary counts on
			// them.
			logger.warn("Heartbeat failed: " + ex);
		}
	}

}
