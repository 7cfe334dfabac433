package dev.bootcluster.autoconfigure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsed form of {@code app.cluster.instances}: {@code max}, a positive count, or
 * {@code -N} for all cores but N.
 */
public final class InstanceCount {

	static final String ACCEPTED = "'max' (one worker per core), a whole number of at least 1, "
			+ "or '-N' for all cores but N (at least 1 worker)";

	private static final Pattern FORM = Pattern.compile("max|(-?)([0-9]{1,6})");

	private final String text;

	private final int fixed;

	private final int allBut;

	private InstanceCount(String text, int fixed, int allBut) {
		this.text = text;
		this.fixed = fixed;
		this.allBut = allBut;
	}

	/**
	 * Parse the property value.
	 * @param value the value of {@code app.cluster.instances}
	 * @return the instance count
	 * @throws InvalidClusterPropertyException when the value has none of the accepted
	 * forms
	 */
	public static InstanceCount parse(String value) {
		return parse("app.cluster.instances", value);
	}

	/**
	 * Parse a value that was given under another name (an endpoint parameter, say).
	 * @param name the name to report on failure
	 * @param value the value
	 * @return the instance count
	 */
	public static InstanceCount parse(String name, String value) {
		String text = value.trim();
		Matcher matcher = FORM.matcher(text);
		if (!matcher.matches()) {
			throw new InvalidClusterPropertyException(name, value, ACCEPTED);
		}
		if (matcher.group(2) == null) {
			return new InstanceCount(text, 0, 0);
		}
		int number = Integer.parseInt(matcher.group(2));
		if (!matcher.group(1).isEmpty()) {
			return new InstanceCount(text, 0, number);
		}
		if (number < 1) {
			throw new InvalidClusterPropertyException(name, value, ACCEPTED);
		}
		return new InstanceCount(text, number, 0);
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

	/**
	 * Resolve against the cores of this JVM, which honours container CPU quotas.
	 * @return the number of workers
	 */
	public int resolve() {
		return resolve(Runtime.getRuntime().availableProcessors());
	}

	@Override
	public String toString() {
		return this.text;
	}

}
