package dev.bootcluster.primary;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * Sizes each worker so that N workers on C cores do not each believe they own the whole
 * machine: a share of the cores and of the heap, unless the user chose those flags.
 */
final class WorkerJvmOptions {

	/** The JVM's own default for {@code -XX:MaxRAMPercentage}. */
	static final double DEFAULT_MAX_RAM_PERCENTAGE = 25.0;

	private WorkerJvmOptions() {
	}

	/**
	 * The options a worker gets after the primary's own.
	 * @param primaryOptions the primary's JVM options
	 * @param userOptions {@code app.cluster.worker.jvm-args}
	 * @param cores the cores the primary may use
	 * @param workers the number of workers
	 * @return options to append; later options win over the primary's
	 */
	static List<String> forWorker(List<String> primaryOptions, List<String> userOptions, int cores, int workers) {
		Map<String, String> all = new LinkedHashMap<>();
		primaryOptions.forEach((option) -> all.put(key(option), option));
		userOptions.forEach((option) -> all.put(key(option), option));
		List<String> options = new ArrayList<>();
		if (!choosesCores(all.keySet())) {
			options.add("-XX:ActiveProcessorCount=" + Math.max(1, cores / workers));
		}
		boolean heapChosen = all.containsKey("-Xmx") || all.containsKey("-XX:MaxHeapSize")
				|| all.containsKey("-XX:MaxRAM");
		if (!heapChosen && workers > 1) {
			String userPercentage = userOptions.stream()
				.filter((option) -> key(option).equals("-XX:MaxRAMPercentage"))
				.findFirst()
				.orElse(null);
			if (userPercentage == null) {
				double base = percentage(all.get("-XX:MaxRAMPercentage"));
				options.add("-XX:MaxRAMPercentage=" + BigDecimal.valueOf(base / workers)
					.setScale(2, RoundingMode.DOWN)
					.stripTrailingZeros()
					.toPlainString());
			}
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

	private static double percentage(@Nullable String option) {
		if (option == null) {
			return DEFAULT_MAX_RAM_PERCENTAGE;
		}
		return Double.parseDouble(option.substring(option.indexOf('=') + 1));
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
