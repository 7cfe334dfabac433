package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code curl} commands the README prints, run with curl as a user pastes them, with
 * the sample's ports 8080 and 8081 swapped for the test cluster's.
 */
final class ReadmeCommands {

	private static final Path README = Path.of(System.getProperty("project.root", "..")).resolve("README.md");

	private static final Pattern CURL = Pattern.compile("^(curl .*?)(\\s+#.*)?$");

	private static final Pattern INLINE_CURL = Pattern.compile("`(curl [^`]+)`");

	private ReadmeCommands() {
	}

	/**
	 * The lines of the README's code blocks that start with a prefix, without a trailing
	 * {@code # comment}, in order.
	 */
	static List<String> codeLinesStartingWith(String... prefixes) throws IOException {
		List<String> lines = new ArrayList<>();
		boolean inBlock = false;
		for (String line : Files.readAllLines(README, StandardCharsets.UTF_8)) {
			if (line.startsWith("```")) {
				inBlock = !inBlock;
			}
			else if (inBlock && List.of(prefixes).stream().anyMatch(line::startsWith)) {
				lines.add(line.replaceAll("\\s+#.*", "").trim());
			}
		}
		return lines;
	}

	/**
	 * Every curl command in the README: the lines of its code blocks and the commands in
	 * its text, in order.
	 */
	static List<String> curlCommands() throws IOException {
		List<String> commands = new ArrayList<>();
		boolean inBlock = false;
		for (String line : Files.readAllLines(README, StandardCharsets.UTF_8)) {
			if (line.startsWith("```")) {
				inBlock = !inBlock;
				continue;
			}
			Matcher command = CURL.matcher(line.trim());
			if (inBlock && command.matches()) {
				commands.add(command.group(1).trim());
			}
			else if (!inBlock) {
				Matcher inline = INLINE_CURL.matcher(line);
				while (inline.find()) {
					commands.add(inline.group(1));
				}
			}
		}
		return commands;
	}

	/**
	 * Run a command through the shell, as pasted, against the test cluster's ports.
	 */
	static Result run(String command, int port, int managementPort) {
		String local = command.replace("localhost:8081", "localhost:" + managementPort)
			.replace("localhost:8080", "localhost:" + port);
		try {
			Path body = Files.createTempFile("curl-", ".out");
			try {
				Process curl = new ProcessBuilder("bash", "-c",
						local + " --silent --show-error --max-time 30 --output " + body + " --write-out '%{http_code}'")
					.redirectErrorStream(true)
					.start();
				if (!curl.waitFor(60, TimeUnit.SECONDS)) {
					curl.destroyForcibly();
					throw new AssertionError("curl did not finish: " + local);
				}
				String status = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
				if (curl.exitValue() != 0 || !status.matches("\\d{3}")) {
					throw new AssertionError(local + " failed: " + status);
				}
				return new Result(Integer.parseInt(status), Files.readString(body));
			}
			finally {
				Files.deleteIfExists(body);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	record Result(int status, String body) {

	}

}
