package dev.bootcluster.primary;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.os.ProcessMemory;

/**
 * Keeps the primary lean. The primary runs in the JVM the user launched, sized for the
 * application, but after the workers are up it holds only the supervisor's few objects:
 * the heap grown while Spring Boot prepared the environment is garbage. Once the cluster
 * is ready (and after each reload) the primary asks the JVM to give that memory back:
 * heap free ratios low enough for the collector to uncommit what it does not use, one
 * full collection, and the C library's free lists returned to the operating system. From
 * then on G1 collects every {@value #PERIODIC_GC_MILLIS} ms when it is idle, so the heap
 * that cluster scrapes grow is given back too. While it supervises, the primary also
 * returns the C library's free memory every {@link #NATIVE_TRIM_PERIOD}, unless its JVM
 * already does ({@code -XX:TrimNativeHeapInterval}): what proxying management requests
 * and merging scrapes allocate outside the heap and free again is otherwise kept by the C
 * library.
 */
final class PrimaryFootprint {

	private static final Log logger = LogFactory.getLog(PrimaryFootprint.class);

	private static final long PERIODIC_GC_MILLIS = 10_000;

	/**
	 * How often the primary returns the C library's free memory to the operating system
	 * when its JVM does not.
	 */
	static final Duration NATIVE_TRIM_PERIOD = Duration.ofMillis(PERIODIC_GC_MILLIS);

	private PrimaryFootprint() {
	}

	/**
	 * Return unused heap and native memory to the operating system. Every step is best
	 * effort: on a JVM or C library without it, that step is skipped.
	 */
	static void shrink() {
		long before = ProcessMemory.residentBytes();
		lowerHeapFreeRatios();
		System.gc();
		ProcessMemory.trimNativeHeap();
		logResidentMemory("Primary ", before);
	}

	/**
	 * Whether the primary should return the C library's free memory on a schedule of its
	 * own: the C library can, and the primary's JVM does not already.
	 * @return {@code true} to call {@link #trimNativeHeap()} every
	 * {@link #NATIVE_TRIM_PERIOD}
	 */
	static boolean needsNativeTrimming() {
		return !jvmTrimsNativeHeap(WorkerJvmOptions.nativeHeapTrimInterval()) && ProcessMemory.canTrimNativeHeap();
	}

	/**
	 * Whether a JVM trims its native heap itself.
	 * @param interval its {@code -XX:TrimNativeHeapInterval}, {@code null} when it has no
	 * such option
	 * @return {@code true} for an interval above 0
	 */
	static boolean jvmTrimsNativeHeap(@Nullable String interval) {
		return interval != null && !"0".equals(interval.strip());
	}

	/**
	 * Return the C library's free memory to the operating system, best effort.
	 */
	static void trimNativeHeap() {
		long before = ProcessMemory.residentBytes();
		ProcessMemory.trimNativeHeap();
		logResidentMemory("Primary native heap trimmed: ", before);
	}

	private static void logResidentMemory(String step, long before) {
		long after = ProcessMemory.residentBytes();
		if (before > 0 && after > 0) {
			logger.debug(step + "resident memory " + (before >> 20) + " MB -> " + (after >> 20) + " MB");
		}
	}

	private static void lowerHeapFreeRatios() {
		try {
			HotSpotDiagnosticMXBean diagnostics = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
			// Min first: the JVM rejects a minimum above the current maximum.
			diagnostics.setVMOption("MinHeapFreeRatio", "10");
			diagnostics.setVMOption("MaxHeapFreeRatio", "20");
			// A G1 flag; other collectors ignore it.
			diagnostics.setVMOption("G1PeriodicGCInterval", String.valueOf(PERIODIC_GC_MILLIS));
		}
		catch (RuntimeException ex) {
			logger.debug("Heap free ratios left as they are: " + ex.getMessage());
		}
	}

}
