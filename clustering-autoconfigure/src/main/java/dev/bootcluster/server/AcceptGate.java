package dev.bootcluster.server;

import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Holds a worker's acceptors off the shared listening socket until the worker is ready.
 * <p>
 * The web server starts accepting while the application context is still refreshing. On a
 * port of its own that is harmless; on a shared port every connection a starting worker
 * takes is one a ready worker would have served faster, so a worker that is being added
 * or replaced would answer its first clients with cold code. The worker agent opens the
 * gate once the application accepts traffic (and has warmed up); until then the
 * connections wait in the shared accept queue for the workers that are ready.
 * <p>
 * There is one inherited listening socket per worker process, so there is one gate, kept
 * in a static field: Tomcat creates the endpoint that waits on it by class name, with no
 * way to hand it one.
 */
public final class AcceptGate {

	private static final AcceptGate INHERITED_SOCKET = new AcceptGate();

	private static final long POLL_MILLIS = 10;

	private final Object monitor = new Object();

	private volatile boolean open;

	private volatile @Nullable ConnectionBalance balance;

	AcceptGate() {
	}

	/**
	 * The gate in front of the listening socket inherited from the primary.
	 * @return the gate
	 */
	public static AcceptGate inheritedSocket() {
		return INHERITED_SOCKET;
	}

	/**
	 * Once open, also keep this worker's share of the connections even with the other
	 * workers'.
	 * @param balance the balance to take part in
	 */
	public void balanceWith(ConnectionBalance balance) {
		this.balance = balance;
	}

	/**
	 * The balance this worker takes part in, if any.
	 * @return the balance, or {@code null}
	 */
	@Nullable ConnectionBalance balance() {
		return this.balance;
	}

	/**
	 * Let the acceptors take connections.
	 */
	public void open() {
		synchronized (this.monitor) {
			this.open = true;
			this.monitor.notifyAll();
		}
	}

	/**
	 * Take no more connections: the primary is replacing this worker because it is hung,
	 * and the shared queue's connections are better served by the others. An accept that
	 * already waits on the socket may still take one.
	 */
	public void close() {
		this.open = false;
	}

	/**
	 * Whether the acceptors may take connections.
	 * @return {@code true} while open
	 */
	public boolean isOpen() {
		return this.open;
	}

	/**
	 * Wait until the gate opens or the acceptor should stop waiting.
	 * @param keepWaiting whether the caller still wants to accept; polled
	 * @return {@code true} if the gate is open
	 */
	boolean await(BooleanSupplier keepWaiting) {
		try {
			synchronized (this.monitor) {
				while (!this.open && keepWaiting.getAsBoolean()) {
					this.monitor.wait(POLL_MILLIS);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return isOpen();
	}

}
