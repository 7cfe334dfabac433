package dev.bootcluster.primary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.bootcluster.ipc.MetricsFormat;

/**
 * Merges the Prometheus expositions of several workers into one: every sample gets a
 * {@code worker} label, each family is declared once ({@code # HELP}, {@code # TYPE},
 * {@code # UNIT} from the first worker that declares it) with the samples of every worker
 * under it, and exemplars and histogram buckets pass through untouched. Works on the text
 * format 0.0.4 and on OpenMetrics 1.0, whose {@code # EOF} ends the merged exposition
 * once.
 */
final class MetricsMerge {

	private static final String EOF = "# EOF";

	private final MetricsFormat format;

	private final Map<String, Family> families = new LinkedHashMap<>();

	MetricsMerge(MetricsFormat format) {
		this.format = format;
	}

	/**
	 * Add one worker's exposition.
	 * @param workerId the worker, for the {@code worker} label
	 * @param exposition its metrics
	 * @return this
	 */
	MetricsMerge add(int workerId, String exposition) {
		String label = "worker=\"" + workerId + "\"";
		Family family = null;
		for (String line : exposition.split("\n")) {
			if (line.isBlank() || line.equals(EOF)) {
				continue;
			}
			if (line.startsWith("#")) {
				String name = metaName(line);
				if (name == null) {
					// A comment: not part of any family.
					continue;
				}
				Family declared = this.families.computeIfAbsent(name, Family::new);
				if (declared != family) {
					family = declared;
					family.declaredBy(workerId);
				}
				family.meta(workerId, line);
			}
			else {
				String sample = withLabel(line, label);
				if (family == null || !line.startsWith(family.name)) {
					family = this.families.computeIfAbsent(sampleName(line), Family::new);
				}
				family.samples.add(sample);
			}
		}
		return this;
	}

	/**
	 * Add families of the merging process's own, with their meta lines and samples as
	 * they are.
	 * @param exposition the families, in the merge's format, without {@code # EOF}
	 * @return this
	 */
	MetricsMerge addOwn(String exposition) {
		return add(-1, exposition);
	}

	/**
	 * The merged exposition.
	 * @return the text
	 */
	String exposition() {
		StringBuilder out = new StringBuilder();
		for (Family family : this.families.values()) {
			family.meta.forEach((line) -> out.append(line).append('\n'));
			family.samples.forEach((line) -> out.append(line).append('\n'));
		}
		if (this.format == MetricsFormat.OPENMETRICS) {
			out.append(EOF).append('\n');
		}
		return out.toString();
	}

	/**
	 * The name a {@code # HELP}, {@code # TYPE} or {@code # UNIT} line declares.
	 */
	private static String metaName(String line) {
		String[] parts = line.split(" ", 4);
		if (parts.length < 3 || !(parts[1].equals("HELP") || parts[1].equals("TYPE") || parts[1].equals("UNIT"))) {
			return null;
		}
		return parts[2];
	}

	private static String sampleName(String line) {
		int end = 0;
		while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
			end++;
		}
		return line.substring(0, end);
	}

	/**
	 * A sample line with one more label, first among its labels.
	 */
	static String withLabel(String line, String label) {
		if (label.equals("worker=\"-1\"")) {
			return line;
		}
		int end = sampleName(line).length();
		if (end < line.length() && line.charAt(end) == '{') {
			boolean empty = end + 1 < line.length() && line.charAt(end + 1) == '}';
			return line.substring(0, end + 1) + label + (empty ? "" : ",") + line.substring(end + 1);
		}
		return line.substring(0, end) + "{" + label + "}" + line.substring(end);
	}

	/**
	 * One metric family: its meta lines and every worker's samples.
	 */
	private static final class Family {

		final String name;

		final List<String> meta = new ArrayList<>();

		final List<String> samples = new ArrayList<>();

		private Integer declarer;

		Family(String name) {
			this.name = name;
		}

		void declaredBy(int workerId) {
			if (this.declarer == null) {
				this.declarer = workerId;
			}
		}

		void meta(int workerId, String line) {
			if (this.declarer != null && this.declarer == workerId && !this.meta.contains(line)) {
				this.meta.add(line);
			}
		}

	}

}
