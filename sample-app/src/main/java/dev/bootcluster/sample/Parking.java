package dev.bootcluster.sample;

import java.util.concurrent.CountDownLatch;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;

/**
 * Holds request threads until this worker stops, to show the hung-worker watchdog: a
 * worker whose every request thread is parked finishes no request. The threads are let go
 * as soon as the application starts to close, so the worker drains at once.
 */
@Component
class Parking implements ApplicationListener<ContextClosedEvent> {

	private final CountDownLatch closing = new CountDownLatch(1);

	/**
	 * Park the calling thread until the application closes.
	 * @return how long it was parked, in milliseconds
	 */
	long park() throws InterruptedException {
		long start = System.nanoTime();
		this.closing.await();
		return (System.nanoTime() - start) / 1_000_000;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		this.closing.countDown();
	}

}
