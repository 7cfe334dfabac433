package dev.bootcluster.primary;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.bootcluster.ipc.ClusterStatus;
import dev.bootcluster.ipc.ExitReason;

/**
 * Words for how a worker ended, and the part of its output that explains it.
 */
final class ExitStatus {

	private static final Map<Integer, String> SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 6, "SIGABRT", 9, "SIGKILL", 11,
			"SIGSEGV", 15, "SIGTERM");

	private static final int EXCERPT_LINES = 40;

	private static final Pattern STACK_FRAME = Pattern.compile("^\\s+(at |\\.\\.\\. \\d+ more)");

	private ExitStatus() {
	}

	/**
	 * Describe an exit code as {@link Process#exitValue()} reports it.
	 * @param code the code; 128 + S means the process was killed by signal S
	 * @return a description such as {@code exit code 1} or {@code signal 9 (SIGKILL)}
	 */
	static String describe(int code) {
		String signal = signalName(code);
		return (signal != null) ? "signal " + (code - 128) + " (" + signal + ")" : "exit code " + code;
	}

	private static @Nullable String signalName(int code) {
		if (code <= 128 || code >= 128 + 65) {
			return null;
		}
		return SIGNALS.getOrDefault(code - 128, "SIG" + (code - 128));
	}

	/**
	 * Why a process ended that the primary did not ask to stop.
	 * @param code the exit code
	 * @return {@code terminated} (SIGTERM from outside), {@code killed} (SIGKILL, the OOM
	 * killer), {@code exited} (code 0) or {@code crashed}
	 */
	static ExitReason unaskedReason(int code) {
		return switch (code) {
			case 128 + 15 -> ExitReason.TERMINATED;
			case 128 + 9 -> ExitReason.KILLED;
			case 0 -> ExitReason.EXITED;
			default -> ExitReason.CRASHED;
		};
	}

	/**
	 * The exit record shown by the cluster endpoint.
	 * @param code the exit code
	 * @param reason why the process ended
	 * @return the record
	 */
	static ClusterStatus.Exit record(int code, ExitReason reason) {
		return new ClusterStatus.Exit(code, signalName(code), reason);
	}

	/**
	 * The lines of a worker's output that explain its failure: Spring Boot's failure
	 * report if there is one, else from the last error, else the last lines. Stack frames
	 * are left out so that the chain of causes fits.
	 * @param tail the worker's last output lines
	 * @return the excerpt
	 */
	static List<String> excerpt(List<String> tail) {
		List<String> lines = tail.stream().filter((line) -> !STACK_FRAME.matcher(line).find()).toList();
		return excerptOf(lines);
	}

	private static List<String> excerptOf(List<String> tail) {
		int start = lastIndexContaining(tail, "APPLICATION FAILED TO START");
		if (start > 0 && tail.get(start - 1).startsWith("****")) {
			start--;
		}
		if (start < 0) {
			start = lastIndexContaining(tail, " ERROR ");
		}
		if (start < 0) {
			start = Math.max(0, tail.size() - EXCERPT_LINES);
		}
		return tail.subList(start, Math.min(tail.size(), start + EXCERPT_LINES));
	}

	private static int lastIndexContaining(List<String> lines, String text) {
		for (int i = lines.size() - 1; i >= 0; i--) {
			if (lines.get(i).contains(text)) {
				return i;
			}
		}
		return -1;
	}

}
