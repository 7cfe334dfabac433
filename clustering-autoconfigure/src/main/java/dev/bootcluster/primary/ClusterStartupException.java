package dev.bootcluster.primary;

/**
 * Thrown when the primary cannot start the cluster, before any worker is forked.
 */
public class ClusterStartupException extends RuntimeException {

	private final String action;

	public ClusterStartupException(String description, String action, Throwable cause) {
		super(description, cause);
		this.action = action;
	}

	public ClusterStartupException(String description, String action) {
		super(description);
		this.action = action;
	}

	public String getAction() {
		return this.action;
	}

}
