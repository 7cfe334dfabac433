package dev.bootcluster.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import com.sun.jna.LastErrorException;

/**
 * Applies a per-thread setting of the Linux scheduler (CPU affinity, nice value) to every
 * thread of this process. Threads that start while it runs are caught by another pass
 * over the process's threads, until a pass finds nothing to change.
 */
final class EveryThread {

	/** Passes over a process's threads before giving up on threads still starting. */
	private static final int MAX_PASSES = 10;

	private EveryThread() {
	}

	/**
	 * Apply a change to every thread of a process.
	 * @param process the process's folder in {@code /proc}, such as {@code /proc/self}
	 * @param change the change of one thread
	 * @param call the system call that makes it, for errors
	 * @param what what the change is, for errors, such as {@code CPUs 0-1}
	 * @throws IOException when the kernel refuses the change for a live thread or threads
	 * keep starting
	 */
	static void apply(Path process, Change change, String call, String what) throws IOException {
		Path threads = process.resolve("task");
		for (int pass = 0; pass < MAX_PASSES; pass++) {
			boolean changed = false;
			for (int tid : threads(threads)) {
				try {
					changed |= change.apply(tid);
				}
				catch (LastErrorException ex) {
					if (ex.getErrorCode() != Libc.ESRCH && Files.exists(threads.resolve(String.valueOf(tid)))) {
						throw new IOException(call + " failed for " + what + " (errno " + ex.getErrorCode() + ")", ex);
					}
					// The thread ended since it was listed.
				}
				catch (IOException ex) {
					if (Files.exists(threads.resolve(String.valueOf(tid)))) {
						throw ex;
					}
				}
			}
			if (!changed) {
				return;
			}
		}
		throw new IOException("Threads kept starting while setting " + what);
	}

	private static int[] threads(Path threads) throws IOException {
		try (Stream<Path> tasks = Files.list(threads)) {
			return tasks.mapToInt((task) -> Integer.parseInt(task.getFileName().toString())).toArray();
		}
	}

	/**
	 * The change of one thread.
	 */
	@FunctionalInterface
	interface Change {

		/**
		 * Change a thread if it needs it.
		 * @param tid the thread
		 * @return whether it was changed
		 * @throws IOException when its current setting cannot be read
		 * @throws LastErrorException when the kernel refuses
		 */
		boolean apply(int tid) throws IOException;

	}

}
