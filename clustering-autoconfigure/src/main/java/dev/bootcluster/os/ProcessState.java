package dev.bootcluster.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

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
		Character state = state(pid);
		return state != null && (state == 'T' || state == 't');
	}

	/**
	 * Whether a process has exited, reaped or not. One that exited but that its parent
	 * has not reaped yet (a zombie) keeps its {@code /proc} entry, and
	 * {@link ProcessHandle#of(long)} still finds it.
	 * @param pid the process id
	 * @return {@code true} when gone or a zombie; {@code false} when it runs, or when the
	 * system does not say (no {@code /proc})
	 */
	public static boolean hasExited(long pid) {
		if (!Files.isDirectory(Path.of("/proc/self"))) {
			return false;
		}
		Character state = state(pid);
		return state == null || state == 'Z' || state == 'X';
	}

	/**
	 * The state letter, the field after the command name, which is in parentheses and may
	 * hold spaces and parentheses itself; {@code null} when the process is gone or the
	 * file cannot be read.
	 */
	static @Nullable Character state(long pid) {
		try {
			return stateOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
		}
		catch (IOException ex) {
			return null;
		}
	}

	static @Nullable Character stateOf(String stat) {
		String[] fields = StatLine.fieldsFromState(stat);
		return (fields.length > 0 && !fields[0].isEmpty()) ? fields[0].charAt(0) : null;
	}

}
