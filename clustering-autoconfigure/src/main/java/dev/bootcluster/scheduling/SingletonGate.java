package dev.bootcluster.scheduling;

import org.jspecify.annotations.Nullable;

/**
 * Whether this JVM may run {@link ClusterSingleton} methods now. In a worker the primary
 * opens and closes it; a close takes effect for new calls at once, and is acknowledged
 * only once the calls already running have returned, so that the primary opens another
 * worker's gate only then.
 */
public final class SingletonGate {

	private boolean open;

	private int running;

	private @Nullable Runnable onIdle;

	/**
	 * A gate.
	 * @param open whether it starts open: a plain JVM's always is
	 */
	public SingletonGate(boolean open) {
		this.open = open;
	}

	/**
	 * Enter before running a singleton method.
	 * @return {@code true} if the method may run; then {@link #exit()} must follow
	 */
	public synchronized boolean tryEnter() {
		if (!this.open) {
			return false;
		}
		this.running++;
		return true;
	}

	/**
	 * Leave after a singleton method returned.
	 */
	public synchronized void exit() {
		this.running--;
		if (this.running == 0 && this.onIdle != null) {
			Runnable idle = this.onIdle;
			this.onIdle = null;
			idle.run();
		}
	}

	/**
	 * Let singleton methods run here.
	 */
	public synchronized void open() {
		this.open = true;
		this.onIdle = null;
	}

	/**
	 * Run no more singleton methods here.
	 * @param closed called once none runs any more, at once if none does
	 */
	public synchronized void close(Runnable closed) {
		this.open = false;
		if (this.running == 0) {
			closed.run();
		}
		else {
			this.onIdle = closed;
		}
	}

	public synchronized boolean isOpen() {
		return this.open;
	}

}
