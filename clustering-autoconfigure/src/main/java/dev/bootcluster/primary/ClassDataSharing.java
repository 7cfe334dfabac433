package dev.bootcluster.primary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.FileSystemUtils;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.TrainingLaunch;

/**
 * Class data sharing for the workers of a {@code java -jar} launch: the JVM maps an
 * archive of the application's classes, parsed and verified ahead of time (on JDK 25 and
 * later an AOT cache, which also holds them linked, with method profiles), into every
 * worker, so a worker starts faster; mapped at its own address, the workers share its
 * read-only pages.
 * <p>
 * The primary creates the archive in the background once the cluster is ready, in a cache
 * directory keyed by the jar's content and the JDK: a Spring Boot jar is first unpacked
 * there (the JVM archives classes of plain jars only; a plain jar, such as one unpacked
 * into an image's layers, is archived where it is), then one training run of the
 * application ({@code spring.context.exit=onRefresh}, as a single JVM that binds no port)
 * writes the archive. Workers started from then on run that jar with the archive. A jar
 * changed on disk has another key: workers start from it without an archive until its own
 * is made. A creation that fails is logged and leaves the workers as they are; the JVM
 * itself ignores an archive that does not match what it runs.
 */
final class ClassDataSharing implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ClassDataSharing.class);

	/**
	 * Options with which the user chose class data sharing themselves.
	 */
	private static final List<String> USER_CHOSEN = List.of("-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
			"-XX:AOTCache", "-XX:AOTCacheOutput", "-XX:AOTMode", "-XX:AOTConfiguration", "-Xshare");

	/**
	 * Where the JVM maps an archive: 0 at the address it was made for, relocating only
	 * when that is taken; 1 (the default of the JDK 17.0.15 and 25 builds tested here)
	 * always at a random address. A diagnostic option in JDK 17 and 25.
	 */
	private static final String RELOCATION_MODE = "-XX:ArchiveRelocationMode";

	/**
	 * The options of {@code auto} on JDK 17 to 24. At a random address the JVM rewrites
	 * the pointers in the archive, which writes to most of its pages (31 of the sample's
	 * 38 MB, measured with {@code /proc/<pid>/smaps}), so each worker held its own copy;
	 * at its own address the read-only part is the page cache's one copy for all of them.
	 * JDK 25 writes every page of an AOT cache it maps, at either address, so there the
	 * cluster keeps the JDK's choice: a fixed address would give the randomization up for
	 * nothing.
	 */
	private static final List<String> AT_ITS_OWN_ADDRESS = List.of("-XX:+UnlockDiagnosticVMOptions",
			RELOCATION_MODE + "=0");

	/**
	 * Options with which the user chose where the archive goes, or that no diagnostic
	 * option may be unlocked.
	 */
	private static final List<String> USER_CHOSEN_ADDRESS = List.of(RELOCATION_MODE, "-XX:-UnlockDiagnosticVMOptions");

	private static final boolean AOT_CACHE = Runtime.version().feature() >= 25;

	/**
	 * Program arguments the training run sets itself.
	 */
	private static final List<String> TRAINING_OVERRIDES = List.of("--app.cluster.", "--server.port",
			"--management.server.port");

	/**
	 * Archive directories kept for one jar name: the current one and a few before it.
	 */
	private static final int KEPT_PER_JAR = 3;

	private final Path cache;

	private final Path jar;

	private final WorkerCommand command;

	private final List<String> workerOptions;

	private final Duration trainingTimeout;

	private final boolean atItsOwnAddress;

	/**
	 * One thread at most, gone when idle: the primary keeps no thread for it.
	 */
	private final ThreadPoolExecutor background = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS,
			new LinkedBlockingQueue<>(), (task) -> {
				Thread thread = new Thread(task, "cluster-class-data");
				thread.setDaemon(true);
				return thread;
			});

	private final Set<String> attempted = ConcurrentHashMap.newKeySet();

	private final Map<Fingerprint, Key> keys = new ConcurrentHashMap<>();

	private volatile @Nullable Process training;

	/**
	 * How many startup timeouts unpacking and the training run may each take: they run
	 * behind the serving workers (at a lower priority), so under load they wait for CPU.
	 */
	static final int BEHIND_SERVING_WORKERS = 3;

	ClassDataSharing(Path cache, Path jar, WorkerCommand command, List<String> workerOptions, Duration trainingTimeout,
			boolean atItsOwnAddress) {
		this.cache = cache;
		this.jar = jar;
		this.command = command;
		this.workerOptions = List.copyOf(workerOptions);
		this.trainingTimeout = trainingTimeout.multipliedBy(BEHIND_SERVING_WORKERS);
		this.atItsOwnAddress = atItsOwnAddress;
	}

	/**
	 * Class data sharing for this cluster's workers, if {@code auto} can use it here.
	 * @param worker {@code app.cluster.worker}
	 * @param command how the primary was launched
	 * @param workerOptions the workers' JVM options
	 * @param trainingTimeout the startup timeout; unpacking and the training run may each
	 * take {@value #BEHIND_SERVING_WORKERS} times that
	 * @return the archive keeper, or {@code null} when workers start without one (the
	 * reason is logged)
	 */
	static @Nullable ClassDataSharing forWorkers(ClusterProperties.Worker worker, WorkerCommand command,
			List<String> workerOptions, Duration trainingTimeout) {
		ClusterProperties.ClassDataSharing mode = worker.getClassDataSharing();
		if (mode == ClusterProperties.ClassDataSharing.OFF) {
			return null;
		}
		String reason = reasonNotToShare(command, worker.getJvmArgs());
		if (reason != null) {
			logger.info("Workers start without a class data archive (app.cluster.worker.class-data-sharing="
					+ mode.name().toLowerCase(Locale.ROOT) + ": " + reason + ")");
			return null;
		}
		String configured = worker.getClassDataCache();
		Path cache = (configured != null && !configured.isBlank()) ? Path.of(configured)
				: Path.of(System.getProperty("java.io.tmpdir"), "boot-cluster-class-data");
		return new ClassDataSharing(cache.toAbsolutePath(), Path.of(command.target().get(1)).toAbsolutePath(), command,
				workerOptions, trainingTimeout, mapsAtItsOwnAddress(mode, command, worker.getJvmArgs()));
	}

	/**
	 * Whether workers map the archive at the address it was made for: with {@code auto}
	 * on JDK 17 to 24, unless the user chose where themselves.
	 * @param mode {@code app.cluster.worker.class-data-sharing}
	 * @param command how the primary was launched
	 * @param jvmArgs {@code app.cluster.worker.jvm-args}
	 * @return whether to add {@link #AT_ITS_OWN_ADDRESS}
	 */
	static boolean mapsAtItsOwnAddress(ClusterProperties.ClassDataSharing mode, WorkerCommand command,
			List<String> jvmArgs) {
		return mode == ClusterProperties.ClassDataSharing.AUTO && !AOT_CACHE
				&& chosen(USER_CHOSEN_ADDRESS, command, jvmArgs) == null;
	}

	/**
	 * Why {@code auto} leaves the workers without an archive, if it does.
	 * @param command how the primary was launched
	 * @param jvmArgs {@code app.cluster.worker.jvm-args}
	 * @return the reason, or {@code null} to share
	 */
	static @Nullable String reasonNotToShare(WorkerCommand command, List<String> jvmArgs) {
		if (command.target().size() != 2 || !command.target().get(0).equals("-jar")) {
			return "not a java -jar launch; the JVM archives classes of jar files only";
		}
		String chosen = chosen(USER_CHOSEN, command, jvmArgs);
		return (chosen != null) ? chosen + " chosen" : null;
	}

	/**
	 * The first option of the primary's or of {@code app.cluster.worker.jvm-args} that
	 * starts with one of the given prefixes.
	 */
	private static @Nullable String chosen(List<String> prefixes, WorkerCommand command, List<String> jvmArgs) {
		for (String option : concat(command.jvmOptions(), jvmArgs)) {
			for (String prefix : prefixes) {
				if (option.startsWith(prefix)) {
					return option;
				}
			}
		}
		return null;
	}

	/**
	 * How to start a worker now: from the archive of the jar's current content, if it
	 * exists.
	 * @return the options to add and the jar to run, or {@code null} to start the worker
	 * as the primary was started
	 */
	@Nullable Launch launch() {
		Entry entry = current();
		if (entry == null || !Files.isRegularFile(entry.archive()) || !Files.isRegularFile(entry.jar())) {
			return null;
		}
		touch(entry.directory());
		List<String> options = new ArrayList<>();
		if (this.atItsOwnAddress) {
			options.addAll(AT_ITS_OWN_ADDRESS);
		}
		options.add((AOT_CACHE ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + entry.archive());
		return new Launch(List.copyOf(options), entry.archive(), entry.jar());
	}

	/**
	 * Create the archive for the jar's current content in the background, unless it
	 * exists or was tried already by this primary. Called when the cluster is ready, so
	 * that the training run does not slow its start.
	 * @return whether a creation was started
	 */
	boolean prepare() {
		Entry entry = current();
		if (entry != null && !Files.isRegularFile(entry.archive()) && this.attempted.add(entry.key())) {
			this.background.execute(() -> create(entry));
			return true;
		}
		return false;
	}

	@Override
	public void close() {
		this.background.shutdownNow();
		Process training = this.training;
		if (training != null) {
			training.destroyForcibly();
		}
		try {
			// A creation under way stops at its next step; none outlives the primary's
			// shutdown or writes into a cache that is being removed.
			this.background.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The cache entry for the jar as it is on disk now; its content is hashed again only
	 * when its size, modification or change time, or file changed.
	 */
	private @Nullable Entry current() {
		try {
			BasicFileAttributes attributes = Files.readAttributes(this.jar, BasicFileAttributes.class);
			// The change time too: a copy that keeps the size and modification time of
			// the jar it replaces still changes it.
			Fingerprint fingerprint = new Fingerprint(attributes.size(), attributes.lastModifiedTime(),
					changed(this.jar), attributes.fileKey());
			Key key = this.keys.get(fingerprint);
			if (key == null) {
				key = key(this.jar);
				this.keys.clear();
				this.keys.put(fingerprint, key);
			}
			Path directory = this.cache.resolve(key.name());
			// A plain jar is archived where it is: its Class-Path names jars beside it.
			Path jar = key.unpack() ? directory.resolve("app").resolve(this.jar.getFileName()) : this.jar;
			return new Entry(key.name(), directory, jar, directory.resolve(AOT_CACHE ? "classes.aot" : "classes.jsa"));
		}
		catch (IOException ex) {
			logger.debug("No class data archive for " + this.jar + ": " + ex);
			return null;
		}
	}

	/**
	 * The key of the jar's content: a hash of its bytes, of the size and time of the jars
	 * its manifest's {@code Class-Path} names, and of the JDK.
	 */
	private static Key key(Path jar) throws IOException {
		MessageDigest digest = sha256();
		try (InputStream in = Files.newInputStream(jar)) {
			byte[] buffer = new byte[64 * 1024];
			int read;
			while ((read = in.read(buffer)) > 0) {
				digest.update(buffer, 0, read);
			}
		}
		boolean boot;
		try (JarFile file = new JarFile(jar.toFile())) {
			boot = file.getEntry("BOOT-INF/") != null || file.getEntry("BOOT-INF/classes/") != null;
			String classPath = (file.getManifest() != null)
					? file.getManifest().getMainAttributes().getValue("Class-Path") : null;
			for (String entry : (classPath != null) ? classPath.trim().split("\\s+") : new String[0]) {
				Path library = jar.toAbsolutePath().getParent().resolve(entry);
				if (Files.isRegularFile(library)) {
					digest.update((entry + "|" + Files.size(library) + "|" + Files.getLastModifiedTime(library))
						.getBytes(StandardCharsets.UTF_8));
				}
			}
		}
		// The archive belongs to one JDK build too.
		digest.update((System.getProperty("java.home") + "|" + System.getProperty("java.vm.version"))
			.getBytes(StandardCharsets.UTF_8));
		String name = jar.getFileName().toString().replaceAll("\\.jar$", "");
		return new Key(name + "-" + HexFormat.of().formatHex(digest.digest(), 0, 8), boot);
	}

	private void create(Entry entry) {
		long start = System.nanoTime();
		Path work = entry.directory().resolve("work-" + ProcessHandle.current().pid());
		try {
			removeAbandonedWork(entry.directory());
			Files.createDirectories(work);
			if (!Files.isRegularFile(entry.jar())) {
				unpack(work);
			}
			Path archive = work.resolve(entry.archive().getFileName());
			train(entry, archive, work.resolve("training.log"));
			if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
				throw new IOException("the training run wrote no archive; its output: " + tail(work));
			}
			Files.move(archive, entry.archive(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			logger.info("Class data archive for workers ready in "
					+ LogFormat.seconds(Duration.ofNanos(System.nanoTime() - start)) + " ("
					+ (Files.size(entry.archive()) >> 20) + " MB, " + entry.archive()
					+ "): workers started from now on map it");
			removeOldEntries(entry.directory());
		}
		catch (TooLong ex) {
			// Starved by a busy host rather than broken: another try once a reload has
			// settled the cluster again.
			this.attempted.remove(entry.key());
			logger.warn("Workers go on without a class data archive for now: creating " + entry.archive() + " failed ("
					+ ex.getMessage() + "); it is tried again after the next reload");
		}
		catch (IOException | RuntimeException ex) {
			if (this.background.isShutdown()) {
				logger.debug("Creating " + entry.archive() + " stopped with the cluster: " + ex);
			}
			else {
				logger.warn("Workers go on without a class data archive: creating " + entry.archive() + " failed ("
						+ ex.getMessage() + ")");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			deleteRecursively(work);
		}
	}

	/**
	 * Unpack a Spring Boot jar with its own tools (the jar and a {@code lib} folder) and
	 * move the result in place.
	 */
	private void unpack(Path work) throws IOException, InterruptedException {
		Path unpacked = work.resolve("app");
		run("unpacking the jar", List.of(this.command.java(), "-Djarmode=tools", "-jar", this.jar.toString(), "extract",
				"--destination", unpacked.toString()), work.resolve("extract.log"));
		if (!Files.isRegularFile(unpacked.resolve(this.jar.getFileName()))) {
			throw new IOException("unpacking the jar failed; its output: " + tail(work));
		}
		Path target = work.getParent().resolve("app");
		try {
			Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			// Another primary unpacked the same jar meanwhile.
			if (!Files.isRegularFile(target.resolve(this.jar.getFileName()))) {
				throw ex;
			}
		}
	}

	private void train(Entry entry, Path archive, Path log) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(this.command.java());
		command.addAll(this.command.jvmOptions());
		command.addAll(this.workerOptions);
		command.add((AOT_CACHE ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + archive);
		command.add("-Dspring.context.exit=onRefresh");
		command.add("-D" + TrainingLaunch.PRIMARY_PID_PROPERTY + "=" + ProcessHandle.current().pid());
		command.add("-jar");
		command.add(entry.jar().toString());
		this.command.programArgs()
			.stream()
			.filter((arg) -> TRAINING_OVERRIDES.stream().noneMatch(arg::startsWith))
			.forEach(command::add);
		command.addAll(List.of("--app.cluster.enabled=false", "--server.port=0", "--management.server.port=0"));
		run("the training run", command, log);
	}

	private void run(String what, List<String> command, Path log) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(GentleStart.behindServingWorkers(command)).redirectErrorStream(true)
			.redirectOutput(log.toFile());
		WorkerCommand.MERGED_ENVIRONMENT.forEach(builder.environment()::remove);
		Process process = builder.start();
		this.training = process;
		try {
			if (!process.waitFor(this.trainingTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new TooLong(what + " ran longer than " + LogFormat.seconds(this.trainingTimeout) + " ("
						+ BEHIND_SERVING_WORKERS + " x app.cluster.startup-timeout)");
			}
			if (process.exitValue() != 0) {
				throw new IOException(
						what + " exited with code " + process.exitValue() + "; its output: " + tail(log.getParent()));
			}
		}
		finally {
			this.training = null;
			process.destroyForcibly();
		}
	}

	private void removeOldEntries(Path current) {
		String jarName = current.getFileName().toString().replaceAll("-[0-9a-f]{16}$", "");
		Pattern sameJar = Pattern.compile(Pattern.quote(jarName) + "-[0-9a-f]{16}");
		List<Path> entries = new ArrayList<>();
		try (DirectoryStream<Path> all = Files.newDirectoryStream(this.cache,
				(entry) -> sameJar.matcher(entry.getFileName().toString()).matches())) {
			all.forEach(entries::add);
		}
		catch (IOException ex) {
			return;
		}
		entries.sort(Comparator.comparing(ClassDataSharing::modified).reversed());
		entries.stream().skip(KEPT_PER_JAR).filter((entry) -> !entry.equals(current)).forEach((old) -> {
			logger.debug("Removing class data archive " + old);
			deleteRecursively(old);
		});
	}

	/**
	 * Remove what the runs of primaries that died left in an entry.
	 */
	private static void removeAbandonedWork(Path directory) {
		try (DirectoryStream<Path> work = Files.newDirectoryStream(directory, "work-*")) {
			for (Path abandoned : work) {
				String pid = abandoned.getFileName().toString().substring("work-".length());
				if (!pid.matches("\\d+") || ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
					deleteRecursively(abandoned);
				}
			}
		}
		catch (IOException ex) {
			// Nothing there yet.
		}
	}

	private static String tail(Path work) {
		List<String> lines = new ArrayList<>();
		try (Stream<Path> logs = Files.list(work)) {
			for (Path log : logs.filter((file) -> file.toString().endsWith(".log")).toList()) {
				lines.addAll(Files.readAllLines(log));
			}
		}
		catch (IOException | RuntimeException ex) {
			return "(unreadable: " + ex + ")";
		}
		return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
	}

	private static @Nullable Object changed(Path path) {
		try {
			return Files.getAttribute(path, "unix:ctime");
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
			return null;
		}
	}

	private static FileTime modified(Path path) {
		try {
			return Files.getLastModifiedTime(path);
		}
		catch (IOException ex) {
			return FileTime.fromMillis(0);
		}
	}

	private static void touch(Path directory) {
		try {
			Files.setLastModifiedTime(directory, FileTime.fromMillis(System.currentTimeMillis()));
		}
		catch (IOException ex) {
			// Only its place in the clean-up order.
		}
	}

	private static void deleteRecursively(Path path) {
		try {
			FileSystemUtils.deleteRecursively(path);
		}
		catch (IOException ex) {
			logger.debug("Could not remove " + path + ": " + ex);
		}
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static List<String> concat(List<String> first, List<String> second) {
		List<String> all = new ArrayList<>(first);
		all.addAll(second);
		return all;
	}

	/**
	 * How a worker starts with the archive.
	 *
	 * @param options the JVM options that map the archive
	 * @param archive the archive
	 * @param jar the jar to run, the one the archive was made from
	 */
	record Launch(List<String> options, Path archive, Path jar) {

		/**
		 * The archive, and the options besides the one that names it, for the log.
		 * @return such as {@code /tmp/.../classes.jsa mapped with
		 * -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0}
		 */
		String describe() {
			List<String> others = this.options.subList(0, this.options.size() - 1);
			return this.archive + (others.isEmpty() ? "" : " mapped with " + String.join(" ", others));
		}

	}

	private record Fingerprint(long size, FileTime modified, @Nullable Object changed, @Nullable Object fileKey) {

	}

	private record Key(String name, boolean unpack) {

	}

	private record Entry(String key, Path directory, Path jar, Path archive) {

	}

	/**
	 * Unpacking or the training run did not end within its time.
	 */
	private static final class TooLong extends IOException {

		TooLong(String message) {
			super(message);
		}

	}

}
