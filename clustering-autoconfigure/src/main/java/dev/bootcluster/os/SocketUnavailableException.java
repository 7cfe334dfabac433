package dev.bootcluster.os;

/**
 * Thrown when the primary cannot listen on the configured address and port.
 */
public class SocketUnavailableException extends RuntimeException {

	private final int errno;

	public SocketUnavailableException(String endpoint, int errno) {
		super(message(endpoint, errno));
		this.errno = errno;
	}

	private static String message(String endpoint, int errno) {
		return switch (errno) {
			case Libc.EADDRINUSE -> "Port " + endpoint + " is already in use by another program";
			case Libc.EACCES -> "Not permitted to listen on " + endpoint;
			case Libc.EADDRNOTAVAIL -> "Address " + endpoint + " is not an address of this host";
			default -> "Cannot listen on " + endpoint + " (errno " + errno + ")";
		};
	}

	public boolean isPortInUse() {
		return this.errno == Libc.EADDRINUSE;
	}

}
