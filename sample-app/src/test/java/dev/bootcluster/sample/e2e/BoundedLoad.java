package dev.bootcluster.sample.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads sending requests to one loopback port until they are stopped, the requests run
 * out or the time is up, counting every request that did not get a 200.
 */
abstract class BoundedLoad implements AutoCloseable {

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicInteger succeeded = new AtomicInteger();

	private final AtomicInteger sent = new AtomicInteger();

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	private final int maxRequests;

	private final long deadlineNanos;

	BoundedLoad(int maxRequests, Duration maxDuration) {
		this.maxRequests = maxRequests;
		this.deadlineNanos = System.nanoTime() + maxDuration.toNanos();
	}

	/**
	 * Start the threads; each sends requests while the load runs.
	 */
	final void start(int threads, String name, Runnable sendOne) {
		for (int i = 0; i < threads; i++) {
			Thread thread = new Thread(() -> {
				while (this.running.get() && System.nanoTime() < this.deadlineNanos
						&& this.sent.incrementAndGet() <= this.maxRequests) {
					sendOne.run();
				}
			}, name + "-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	final void succeededOne() {
		this.succeeded.incrementAndGet();
	}

	final void failed(String failure) {
		this.failures.add(failure);
	}

	final void halt() {
		this.running.set(false);
	}

	int succeeded() {
		return this.succeeded.get();
	}

	List<String> failures() {
		return List.copyOf(this.failures);
	}

	/**
	 * Stop sending and wait for the requests in flight.
	 */
	void stopAndJoin() {
		this.running.set(false);
		join();
	}

	/**
	 * Wait until the requests or the time run out.
	 */
	void join() {
		for (Thread thread : this.threads) {
			try {
				thread.join(60_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public void close() {
		stopAndJoin();
	}

}
