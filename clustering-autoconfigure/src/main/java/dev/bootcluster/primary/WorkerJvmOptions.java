package dev.bootcluster.primary;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.sun.management.HotSpotDiagnosticMXBean;
import org.jspecify.annotations.Nullable;

import dev.bootcluster.os.ProcessMemory;

/**
 * Sizes each worker so that N workers on C cores do not each believe they own the whole
 * machine: a share of the cores, of the maximum heap and of the initial heap, unless the
 * user chose those flags. The initial heap matters for memory: with one core a worker
 * runs the serial collector, whose young generation is a fixed part of the initial heap,
 * touched whole before the first collection and kept, so by default a worker starts with
 * half its share of the JVM's default initial heap and grows from there as it needs.
 */
final class WorkerJvmOptions {

	/** The JVM's own default for {@code -XX:MaxRAMPercentage}. */
	static final double DEFAULT_MAX_RAM_PERCENTAGE = 25.0;

	/** The JVM's own default for {@code -XX:InitialRAMPercentage}. */
	static final double DEFAULT_INITIAL_RAM_PERCENTAGE = 1.5625;

	/**
	 * What the workers' initial heaps add up to unless the primary sets
	 * {@code -XX:InitialRAMPercentage}: half the JVM's default (measured in
	 * {@code benchmarks/worker-heap.sh}).
	 */
	static final double WORKERS_INITIAL_RAM_PERCENTAGE = DEFAULT_INITIAL_RAM_PERCENTAGE / 2;

	/**
	 * How often a worker returns the C library's free memory to the operating system,
	 * unless the user chose otherwise: what a worker's JIT compiler and start-up allocate
	 * outside the heap and free again is otherwise kept by the C library, in every worker
	 * (measured in {@code benchmarks/worker-heap.sh}).
	 */
	static final int TRIM_NATIVE_HEAP_MILLIS = 5000;

	private static final String TRIM_NATIVE_HEAP_FLAG = "TrimNativeHeapInterval";

	private static final String TRIM_NATIVE_HEAP = "-XX:" + TRIM_NATIVE_HEAP_FLAG;

	private WorkerJvmOptions() {
	}

	/**
	 * Whether workers started with this JVM can trim their native heap: the JVM has
	 * {@code -XX:TrimNativeHeapInterval} as an option it accepts without unlocking (as
	 * the JDK 17.0.15 and 25 builds tested here do; older updates lack it or keep it
	 * experimental) and the C library is glibc. Workers run the primary's own
	 * {@code java}.
	 * @return {@code true} if they can
	 */
	static boolean canTrimNativeHeap() {
		return nativeHeapTrimInterval() != null && ProcessMemory.canTrimNativeHeap();
	}

	/**
	 * This JVM's {@code -XX:TrimNativeHeapInterval}.
	 * @return its value in milliseconds ({@code "0"}: no periodic trimming), or
	 * {@code null} when this JVM has no such option it accepts without unlocking
	 */
	static @Nullable String nativeHeapTrimInterval() {
		try {
			HotSpotDiagnosticMXBean diagnostics = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
			return (diagnostics != null) ? diagnostics.getVMOption(TRIM_NATIVE_HEAP_FLAG).getValue() : null;
		}
		catch (RuntimeException | LinkageError ex) {
			// No such option (an older JDK, or a locked experimental one), or no HotSpot.
			return null;
		}
	}

	/**
	 * The options a worker gets after the primary's own.
	 * @param primaryOptions the primary's JVM options
	 * @param userOptions {@code app.cluster.worker.jvm-args}
	 * @param cores the cores the primary may use
	 * @param workers the number of workers
	 * @param trimNativeHeap whether the workers can trim their native heap
	 * ({@link #canTrimNativeHeap()})
	 * @return options to append; later options win over the primary's
	 */
	static List<String> forWorker(List<String> primaryOptions, List<String> userOptions, int cores, int workers,
			boolean trimNativeHeap) {
		Map<String, String> all = new LinkedHashMap<>();
		primaryOptions.forEach((option) -> all.put(key(option), option));
		userOptions.forEach((option) -> all.put(key(option), option));
		List<String> options = new ArrayList<>();
		if (!choosesCores(all.keySet())) {
			options.add("-XX:ActiveProcessorCount=" + Math.max(1, cores / workers));
		}
		if (workers > 1) {
			if (!chosen(all, "-Xmx", "-XX:MaxHeapSize", "-XX:MaxRAM")) {
				share(all, userOptions, "-XX:MaxRAMPercentage", DEFAULT_MAX_RAM_PERCENTAGE, workers, options);
			}
			if (!chosen(all, "-Xms", "-XX:InitialHeapSize", "-XX:MinHeapSize")) {
				share(all, userOptions, "-XX:InitialRAMPercentage", WORKERS_INITIAL_RAM_PERCENTAGE, workers, options);
			}
		}
		if (trimNativeHeap && !chosen(all, TRIM_NATIVE_HEAP)) {
			options.add(TRIM_NATIVE_HEAP + "=" + TRIM_NATIVE_HEAP_MILLIS);
		}
		options.addAll(userOptions);
		return options;
	}

	/**
	 * Whether the primary's options or the user's set the workers' core count.
	 * @param primaryOptions the primary's JVM options
	 * @param userOptions {@code app.cluster.worker.jvm-args}
	 * @return {@code true} if one sets {@code -XX:ActiveProcessorCount}
	 */
	static boolean choosesCores(List<String> primaryOptions, List<String> userOptions) {
		return choosesCores(
				Stream.concat(primaryOptions.stream(), userOptions.stream()).map(WorkerJvmOptions::key).toList());
	}

	private static boolean choosesCores(Collection<String> keys) {
		return keys.contains("-XX:ActiveProcessorCount");
	}

	private static boolean chosen(Map<String, String> all, String... keys) {
		return Stream.of(keys).anyMatch(all::containsKey);
	}

	/**
	 * Adds a worker's share of a percentage of the memory, the primary's value (or the
	 * given default) divided by the number of workers, unless the user's worker options
	 * set that percentage themselves.
	 */
	private static void share(Map<String, String> all, List<String> userOptions, String key, double defaultPercentage,
			int workers, List<String> options) {
		if (userOptions.stream().anyMatch((option) -> key(option).equals(key))) {
			return;
		}
		String primary = all.get(key);
		double base = (primary != null) ? Double.parseDouble(primary.substring(primary.indexOf('=') + 1))
				: defaultPercentage;
		options.add(key + "="
				+ BigDecimal.valueOf(base / workers)
					.setScale(4, RoundingMode.DOWN)
					.stripTrailingZeros()
					.toPlainString());
	}

	/**
	 * The part of an option that names what it sets, so a later option with the same key
	 * replaces an earlier one: {@code -Xmx}, {@code -XX:Name}, {@code -Dname}.
	 * @param option the option
	 * @return its key
	 */
	static String key(String option) {
		if (option.startsWith("-XX:")) {
			String name = option.substring(4);
			if (name.startsWith("+") || name.startsWith("-")) {
				name = name.substring(1);
			}
			int equals = name.indexOf('=');
			return "-XX:" + ((equals >= 0) ? name.substring(0, equals) : name);
		}
		if (option.startsWith("-D")) {
			int equals = option.indexOf('=');
			return (equals >= 0) ? option.substring(0, equals) : option;
		}
		for (String prefix : new String[] { "-Xmx", "-Xms", "-Xss", "-Xmn" }) {
			if (option.startsWith(prefix)) {
				return prefix;
			}
		}
		return option;
	}

}
