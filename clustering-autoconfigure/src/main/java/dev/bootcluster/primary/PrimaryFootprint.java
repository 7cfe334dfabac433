package dev.bootcluster.primary;

import java.lang.management.ManagementFactory;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.bootcluster.os.ProcessMemory;

/**
 * Keeps the primary lean. The primary runs in the JVM the user launched, sized for the
 * application, but after the workers are up it holds only the supervisor's few objects:
 * the heap grown while Spring Boot prepared the environment is garbage. Once the cluster
 * is ready (and after each reload) the primary asks the JVM to give that memory back:
 * heap free ratios low enough for the collector to uncommit what it does not use, one
 * full collection, and the C library's free lists returned to the operating system. From
 * then on G1 collects every {@value #PERIODIC_GC_MILLIS} ms when it is idle, so the heap
 * that cluster scrapes grow is given back too.
 */
final class PrimaryFootprint {

	private static final Log logger = LogFactory.getLog(PrimaryFootprint.class);

	private static final long PERIODIC_GC_MILLIS = 10_000;

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
		long after = ProcessMemory.residentBytes();
		if (before > 0 && after > 0) {
			logger.debug("Primary resident memory " + (before >> 20) + " MB -> " + (after >> 20) + " MB");
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
