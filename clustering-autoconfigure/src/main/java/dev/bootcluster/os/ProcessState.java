package dev.bootcluster.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Another process's scheduling state as Linux reports it in {@code /proc/<pid>/stat}.
 */
public final class ProcessState {

	private ProcessState() {
	}

	/**
	 * Whether a process is stopped (SIGSTOP, SIGTSTP) or held by a tracer: it runs no
	 * code, answers no request and sends no heartbeat until it is continued.
	 * @param pid the process id
	 * @return {@code true} when stopped; {@code false} when running, sleeping, gone, or
	 * when the system does not say
	 */
	public static boolean isStopped(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			// The command name, in parentheses, may hold spaces and parentheses itself.
			int end = stat.lastIndexOf(')');
			if (end < 0 || end + 2 >= stat.length()) {
				return false;
			}
			char state = stat.charAt(end + 2);
			return state == 'T' || state == 't';
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

}
