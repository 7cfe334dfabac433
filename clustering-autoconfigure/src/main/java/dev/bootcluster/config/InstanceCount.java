package dev.bootcluster.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsed form of {@code app.cluster.instances}: {@code max}, a positive count, or
 * {@code -N} for all cores but N (at least one worker).
 */
public final class InstanceCount {

	/** What the forms are, for messages about a value that has none of them. */
	public static final String ACCEPTED = "'max' (one worker per core), a whole number of at least 1, "
			+ "or '-N' for all cores but N (at least 1 worker)";

	private static final Pattern FORM = Pattern.compile("max|(-?)([0-9]{1,6})");

	private final int fixed;

	private final int allBut;

	private InstanceCount(int fixed, int allBut) {
		this.fixed = fixed;
		this.allBut = allBut;
	}

	/**
	 * Parse a value.
	 * @param value such as {@code max}, {@code 4} or {@code -1}
	 * @return the instance count
	 * @throws IllegalArgumentException when the value has none of the accepted forms; its
	 * message says which forms are
	 */
	public static InstanceCount parse(String value) {
		String text = value.trim();
		Matcher matcher = FORM.matcher(text);
		if (!matcher.matches()) {
			throw new IllegalArgumentException(ACCEPTED);
		}
		if (matcher.group(2) == null) {
			return new InstanceCount(0, 0);
		}
		int number = Integer.parseInt(matcher.group(2));
		if (!matcher.group(1).isEmpty()) {
			return new InstanceCount(0, number);
		}
		if (number < 1) {
			throw new IllegalArgumentException(ACCEPTED);
		}
		return new InstanceCount(number, 0);
	}

	/**
	 * Resolve to a number of workers.
	 * @param cores the number of cores this JVM may use
	 * @return the number of workers, at least 1
	 */
	public int resolve(int cores) {
		if (this.fixed > 0) {
			return this.fixed;
		}
		return Math.max(1, cores - this.allBut);
	}

}
