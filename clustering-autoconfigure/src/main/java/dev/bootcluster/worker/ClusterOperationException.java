package dev.bootcluster.worker;

/**
 * Thrown when the primary refuses an operation or cannot be reached.
 */
public class ClusterOperationException extends RuntimeException {

	private final boolean refused;

	public ClusterOperationException(String message, boolean refused) {
		super(message);
		this.refused = refused;
	}

	/**
	 * Whether the primary answered and refused (bad input, a reload running), rather than
	 * not answering at all.
	 * @return true when refused
	 */
	public boolean isRefused() {
		return this.refused;
	}

}
