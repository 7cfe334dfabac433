package dev.bootcluster.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory, as Linux reports it in {@code /proc/self/status}.
 */
public final class ResidentMemory {

	private static final Path STATUS = Path.of("/proc/self/status");

	private ResidentMemory() {
	}

	/**
	 * The resident set size.
	 * @return bytes, or 0 when the system does not say
	 */
	public static long bytes() {
		try {
			for (String line : Files.readAllLines(STATUS)) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// Not Linux, or not readable: report nothing.
		}
		return 0;
	}

}
