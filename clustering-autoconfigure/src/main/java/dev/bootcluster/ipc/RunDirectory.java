package dev.bootcluster.ipc;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.bootcluster.os.ProcessState;

/**
 * The primary's private directory (0700) for what it shares with its workers: the IPC
 * socket and the connection table. It names its owner, so that a later primary can remove
 * the directory of one that died without cleaning up (SIGKILL, the OOM killer).
 */
public final class RunDirectory implements Closeable {

	private static final Log logger = LogFactory.getLog(RunDirectory.class);

	static final String PREFIX = "boot-cluster-";

	static final String OWNER_FILE = "primary.pid";

	private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\w+");

	private final Path path;

	private RunDirectory(Path path) {
		this.path = path;
	}

	/**
	 * Create a directory owned by this process.
	 * @param parent where, such as {@code java.io.tmpdir}
	 * @return the directory
	 * @throws IOException when it cannot be created
	 */
	public static RunDirectory create(Path parent) throws IOException {
		ProcessHandle self = ProcessHandle.current();
		Path path = Files.createTempDirectory(parent, PREFIX + self.pid() + "-",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Files.writeString(path.resolve(OWNER_FILE), self.pid() + " " + startMillis(self));
		return new RunDirectory(path);
	}

	/**
	 * Remove the directories in {@code parent} of primaries that are gone: only
	 * directories named like this class names them, holding an owner file and no
	 * sub-directory, whose owner process no longer runs.
	 * @param parent where to look
	 * @return the number of directories removed
	 */
	public static int removeStale(Path parent) {
		int removed = 0;
		try (DirectoryStream<Path> candidates = Files.newDirectoryStream(parent, PREFIX + "*")) {
			for (Path candidate : candidates) {
				if (isStale(candidate) && deleteFlat(candidate)) {
					removed++;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot look for stale cluster directories in " + parent, ex);
		}
		return removed;
	}

	private static boolean isStale(Path candidate) {
		Matcher name = NAME.matcher(candidate.getFileName().toString());
		Path owner = candidate.resolve(OWNER_FILE);
		if (!name.matches() || !Files.isDirectory(candidate) || !Files.isRegularFile(owner)) {
			return false;
		}
		try {
			String[] recorded = Files.readString(owner).trim().split(" ");
			long pid = Long.parseLong(recorded[0]);
			long started = Long.parseLong(recorded[1]);
			if (!name.group(1).equals(recorded[0])) {
				return false;
			}
			Optional<ProcessHandle> process = ProcessHandle.of(pid);
			// A primary killed a moment ago may not be reaped yet: exited all the same.
			return process.isEmpty() || ProcessState.hasExited(pid)
					|| (started >= 0 && startMillis(process.get()) != started);
		}
		catch (IOException | RuntimeException ex) {
			// Not ours, or not readable: leave it alone.
			return false;
		}
	}

	private static boolean deleteFlat(Path directory) throws IOException {
		List<Path> entries;
		try (Stream<Path> list = Files.list(directory)) {
			entries = list.toList();
		}
		if (entries.stream().anyMatch(Files::isDirectory)) {
			return false;
		}
		for (Path entry : entries) {
			Files.deleteIfExists(entry);
		}
		return Files.deleteIfExists(directory);
	}

	private static long startMillis(ProcessHandle process) {
		return process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
	}

	/**
	 * A file in this directory.
	 * @param name the file's name
	 * @return its path; the file is deleted with the directory
	 */
	public Path resolve(String name) {
		return this.path.resolve(name);
	}

	@Override
	public void close() {
		try {
			deleteFlat(this.path);
		}
		catch (IOException ex) {
			logger.debug("Failed to clean up " + this.path, ex);
		}
	}

}
