package dev.bootcluster.sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.stereotype.Component;

/**
 * Keeps memory reachable on purpose, to show a worker replaced for going over
 * {@code app.cluster.worker.max-memory}. Bounded: at most {@value #MAX_PER_CALL_MB} MB a
 * call and {@value #MAX_HELD_MB} MB in all.
 */
@Component
class MemoryHog {

	static final int MAX_PER_CALL_MB = 256;

	static final int MAX_HELD_MB = 1024;

	private final List<byte[]> held = new ArrayList<>();

	/**
	 * Keep more megabytes reachable, every page written so that it is resident.
	 * @param megabytes how many, 1 to {@value #MAX_PER_CALL_MB}
	 * @return the megabytes held in all
	 */
	synchronized int hold(int megabytes) {
		if (megabytes < 1 || megabytes > MAX_PER_CALL_MB) {
			throw new IllegalArgumentException("mb must be between 1 and " + MAX_PER_CALL_MB + ", was " + megabytes);
		}
		if (this.held.size() + megabytes > MAX_HELD_MB) {
			throw new IllegalArgumentException(
					"this worker holds " + this.held.size() + " MB already; at most " + MAX_HELD_MB + " MB in all");
		}
		for (int i = 0; i < megabytes; i++) {
			byte[] megabyte = new byte[1 << 20];
			Arrays.fill(megabyte, (byte) 1);
			this.held.add(megabyte);
		}
		return this.held.size();
	}

}
