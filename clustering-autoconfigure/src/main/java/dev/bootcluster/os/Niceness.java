package dev.bootcluster.os;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import com.sun.jna.LastErrorException;

/**
 * The nice value of processes and threads as Linux keeps it: one per thread, inherited by
 * the threads and processes it starts. Any process may raise its own or that of another
 * process of its user (run it at a lower priority); lowering it again needs
 * {@code CAP_SYS_NICE} or a large enough {@code RLIMIT_NICE}.
 */
public final class Niceness {

	private static final int CAP_SYS_NICE = 23;

	private Niceness() {
	}

	/**
	 * The nice value of a process's main thread.
	 * @param pid the process
	 * @return the nice value, -20 to 19
	 * @throws IOException when the process is gone or the system does not say
	 */
	public static int of(long pid) throws IOException {
		return fromStat(Path.of("/proc", String.valueOf(pid), "stat"));
	}

	/**
	 * Whether this process may return its own threads, or those of another process of its
	 * user, to a nice value below their current one.
	 * @param nice the nice value to return to
	 * @return {@code true} with {@code CAP_SYS_NICE} or an {@code RLIMIT_NICE} that
	 * allows it
	 */
	public static boolean mayLowerTo(int nice) {
		try {
			return hasCapability(Files.readString(Path.of("/proc/self/status")), CAP_SYS_NICE)
					|| niceLimit(Files.readString(Path.of("/proc/self/limits"))) >= 20 - nice;
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	/**
	 * The nice value of the calling thread.
	 * @return the nice value, -20 to 19
	 * @throws IOException when the system does not say
	 */
	public static int ofThisThread() throws IOException {
		return fromStat(Path.of("/proc/thread-self/stat"));
	}

	/**
	 * Set the nice value of every thread of a process of the same user.
	 * @param pid the process, or 0 for this one
	 * @param nice the nice value, -20 to 19
	 * @throws IOException when the kernel refuses it (lowering it without the privilege)
	 * or threads keep starting
	 */
	public static void set(long pid, int nice) throws IOException {
		requireNiceValue(nice);
		Path process = Path.of("/proc", (pid != 0) ? String.valueOf(pid) : "self");
		EveryThread.apply(process, (tid) -> {
			if (fromStat(process.resolve("task").resolve(String.valueOf(tid)).resolve("stat")) == nice) {
				return false;
			}
			Libc.INSTANCE.setpriority(Libc.PRIO_PROCESS, tid, nice);
			return true;
		}, "setpriority", "nice " + nice);
	}

	/**
	 * The nice value of each thread of this process whose name starts with a prefix.
	 * Linux keeps the first 15 characters of a thread's name.
	 * @param prefix the start of the name, such as {@code C2 CompilerThre}
	 * @return the nice value by thread id, in no order; empty when none matches
	 * @throws IOException when the system does not say
	 */
	public static Map<Integer, Integer> ofThreadsNamed(String prefix) throws IOException {
		Path tasks = Path.of("/proc/self/task");
		Map<Integer, Integer> niceByThread = new LinkedHashMap<>();
		try (Stream<Path> threads = Files.list(tasks)) {
			for (Path thread : (Iterable<Path>) threads::iterator) {
				try {
					if (Files.readString(thread.resolve("comm")).startsWith(prefix)) {
						niceByThread.put(Integer.parseInt(thread.getFileName().toString()),
								fromStat(thread.resolve("stat")));
					}
				}
				catch (IOException ex) {
					if (Files.exists(thread)) {
						throw ex;
					}
					// The thread ended since it was listed.
				}
			}
		}
		return niceByThread;
	}

	/**
	 * Set the nice value of one thread of this process.
	 * @param tid the thread
	 * @param nice the nice value, -20 to 19
	 * @throws IOException when the kernel refuses it (lowering it without the privilege,
	 * a thread that ended)
	 */
	public static void setThread(int tid, int nice) throws IOException {
		requireNiceValue(nice);
		try {
			Libc.INSTANCE.setpriority(Libc.PRIO_PROCESS, tid, nice);
		}
		catch (LastErrorException ex) {
			throw new IOException(
					"setpriority failed for thread " + tid + ", nice " + nice + " (errno " + ex.getErrorCode() + ")",
					ex);
		}
	}

	private static void requireNiceValue(int nice) {
		if (nice < -20 || nice > 19) {
			throw new IllegalArgumentException("No nice value " + nice + ": -20 to 19");
		}
	}

	/**
	 * The nice value in a {@code /proc/.../stat} file: field 19, counting after the
	 * command name in parentheses, which may itself hold spaces.
	 */
	static int fromStat(Path stat) throws IOException {
		return Integer.parseInt(StatLine.fieldsFromState(Files.readString(stat))[19 - 3]);
	}

	static boolean hasCapability(String status, int capability) {
		for (String line : status.split("\n")) {
			if (line.startsWith("CapEff:")) {
				return new BigInteger(line.substring(7).trim(), 16).testBit(capability);
			}
		}
		return false;
	}

	/**
	 * The soft {@code RLIMIT_NICE} in {@code /proc/<pid>/limits}: a process may lower its
	 * nice value down to 20 minus it.
	 */
	static int niceLimit(String limits) {
		for (String line : limits.split("\n")) {
			if (line.startsWith("Max nice priority")) {
				String soft = line.substring("Max nice priority".length()).trim().split("\\s+")[0];
				return soft.equals("unlimited") ? 40 : Integer.parseInt(soft);
			}
		}
		return 0;
	}

}
