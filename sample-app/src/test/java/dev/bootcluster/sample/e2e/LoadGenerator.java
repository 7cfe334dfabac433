package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Steady load of new connections to one loopback port, bounded in requests and time,
 * counting every request that did not get a 200.
 */
final class LoadGenerator extends BoundedLoad {

	private final Set<String> answeringPids = ConcurrentHashMap.newKeySet();

	private final Duration pause;

	LoadGenerator(int port, String path, int threads, int maxRequests, Duration maxDuration) {
		this(port, path, threads, maxRequests, maxDuration, Duration.ZERO);
	}

	/**
	 * A load whose threads each pause between requests, leaving room on the cores.
	 */
	LoadGenerator(int port, String path, int threads, int maxRequests, Duration maxDuration, Duration pause) {
		super(maxRequests, maxDuration);
		this.pause = pause;
		start(threads, "load", () -> send(port, path));
	}

	private void send(int port, String path) {
		try {
			Http.Response response = Http.get(port, path);
			if (response.status() == 200) {
				succeededOne();
				int pid = response.body().indexOf("\"pid\":");
				if (pid >= 0) {
					this.answeringPids.add(response.body().substring(pid + 6).split("[,}]")[0]);
				}
			}
			else {
				failed("HTTP " + response.status() + " " + response.body());
			}
		}
		catch (IOException ex) {
			failed(ex.toString());
		}
		if (!this.pause.isZero()) {
			// The pace of a load that leaves room on the cores, not a wait for a
			// condition.
			LockSupport.parkNanos(this.pause.toNanos());
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
		stopAndJoin();
		return this;
	}

}
