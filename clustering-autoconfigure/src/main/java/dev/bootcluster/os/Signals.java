package dev.bootcluster.os;

import com.sun.jna.LastErrorException;

/**
 * Signals the JDK's process API does not send.
 */
public final class Signals {

	private static final int SIGQUIT = 3;

	private Signals() {
	}

	/**
	 * Ask a JVM for a thread dump: on SIGQUIT it prints every thread's stack to its
	 * standard output and goes on running.
	 * @param pid the process
	 * @return whether the signal was sent
	 */
	public static boolean threadDump(long pid) {
		try {
			Libc.INSTANCE.kill((int) pid, SIGQUIT);
			return true;
		}
		catch (LastErrorException | LinkageError ex) {
			return false;
		}
	}

}
