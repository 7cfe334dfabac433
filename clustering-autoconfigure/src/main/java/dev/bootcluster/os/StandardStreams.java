package dev.bootcluster.os;

import java.io.IOException;

import com.sun.jna.LastErrorException;

/**
 * Keeps this process's stdout and stderr alive across closing the inherited channel,
 * which the JDK does by pointing descriptors 0, 1 and 2 at {@code /dev/null}.
 */
public final class StandardStreams {

	private StandardStreams() {
	}

	/**
	 * Run an action that detaches the standard streams, then reattach stdout and stderr.
	 * @param action the action, typically closing {@code System.inheritedChannel()}
	 * @throws IOException when the action fails
	 */
	public static void preserveOutputAround(IoAction action) throws IOException {
		Libc libc = Libc.INSTANCE;
		System.out.flush();
		System.err.flush();
		int out = libc.dup(1);
		int err = libc.dup(2);
		try {
			action.run();
		}
		finally {
			restore(libc, out, 1);
			restore(libc, err, 2);
		}
	}

	private static void restore(Libc libc, int saved, int target) {
		try {
			libc.dup2(saved, target);
		}
		catch (LastErrorException ex) {
			// Nothing more can be done: the stream stays detached.
		}
		finally {
			libc.close(saved);
		}
	}

	@FunctionalInterface
	public interface IoAction {

		void run() throws IOException;

	}

}
