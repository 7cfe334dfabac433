package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Steady load of new connections to one loopback port, bounded in requests and time,
 * counting every request that did not get a 200.
 */
final class LoadGenerator implements AutoCloseable {

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicInteger succeeded = new AtomicInteger();

	private final List<String> failures = new ArrayList<>();

	private final Set<String> answeringPids = ConcurrentHashMap.newKeySet();

	private final List<Thread> threads = new ArrayList<>();

	private final long deadlineNanos;

	private final int maxRequests;

	private final AtomicInteger sent = new AtomicInteger();

	LoadGenerator(int port, String path, int threads, int maxRequests, Duration maxDuration) {
		this.maxRequests = maxRequests;
		this.deadlineNanos = System.nanoTime() + maxDuration.toNanos();
		for (int i = 0; i < threads; i++) {
			Thread thread = new Thread(() -> run(port, path), "load-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	private void run(int port, String path) {
		while (this.running.get() && System.nanoTime() < this.deadlineNanos
				&& this.sent.incrementAndGet() <= this.maxRequests) {
			try {
				Http.Response response = Http.get(port, path);
				if (response.status() == 200) {
					this.succeeded.incrementAndGet();
					int pid = response.body().indexOf("\"pid\":");
					if (pid >= 0) {
						this.answeringPids.add(response.body().substring(pid + 6).split("[,}]")[0]);
					}
				}
				else {
					fail("HTTP " + response.status() + " " + response.body());
				}
			}
			catch (IOException ex) {
				fail(ex.toString());
			}
		}
	}

	private void fail(String failure) {
		synchronized (this.failures) {
			this.failures.add(failure);
		}
	}

	int succeeded() {
		return this.succeeded.get();
	}

	List<String> failures() {
		synchronized (this.failures) {
			return new ArrayList<>(this.failures);
		}
	}

	Set<String> answeringPids() {
		return this.answeringPids;
	}

	/**
	 * Stop sending and wait for the requests in flight.
	 * @return this
	 */
	LoadGenerator stop() {
		this.running.set(false);
		for (Thread thread : this.threads) {
			try {
				thread.join(60_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return this;
	}

	@Override
	public void close() {
		stop();
	}

}
