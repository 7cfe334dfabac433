package dev.bootcluster.os;

/**
 * A line of a process's or thread's {@code stat} file in {@code /proc}, whose second
 * field, the command name in parentheses, may itself hold spaces and parentheses.
 */
final class StatLine {

	private StatLine() {
	}

	/**
	 * The fields from the state (field 3) on: field {@code n}, counted from 1, is at
	 * index {@code n - 3}.
	 * @param line the file's line
	 * @return the fields, none when the line has no command name
	 */
	static String[] fieldsFromState(String line) {
		int end = line.lastIndexOf(')');
		if (end < 0 || end + 2 >= line.length()) {
			return new String[0];
		}
		return line.substring(end + 2).trim().split("\\s+");
	}

}
