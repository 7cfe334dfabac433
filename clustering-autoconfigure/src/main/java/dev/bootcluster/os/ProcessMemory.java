package dev.bootcluster.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.sun.jna.NativeLibrary;

/**
 * This process's memory as Linux sees it: its resident set from
 * {@code /proc/self/status}, and the C library's free lists it can give back.
 */
public final class ProcessMemory {

	private static final Path STATUS = Path.of("/proc/self/status");

	private ProcessMemory() {
	}

	/**
	 * The resident set size.
	 * @return bytes, or 0 when the system does not say
	 */
	public static long residentBytes() {
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

	/**
	 * Return the free memory of the C library's heap to the operating system, best
	 * effort.
	 * @return whether the C library released memory
	 */
	public static boolean trimNativeHeap() {
		try {
			return Libc.INSTANCE.malloc_trim(0) == 1;
		}
		catch (LinkageError | RuntimeException ex) {
			// No glibc (musl, another system): nothing to trim.
			return false;
		}
	}

	/**
	 * Whether this system's C library can return its heap's free memory to the operating
	 * system ({@code malloc_trim}, which glibc has and musl does not).
	 * @return {@code true} with glibc
	 */
	public static boolean canTrimNativeHeap() {
		try {
			NativeLibrary.getInstance("c").getFunction("malloc_trim");
			return true;
		}
		catch (LinkageError | RuntimeException ex) {
			// No malloc_trim (musl, another system), or no C library JNA can load.
			return false;
		}
	}

}
