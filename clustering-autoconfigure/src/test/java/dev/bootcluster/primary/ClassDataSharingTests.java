package dev.bootcluster.primary;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import dev.bootcluster.config.ClusterProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link ClassDataSharing} with a real JVM: a training run of a small jar writes the
 * archive, a JVM started with it maps it, a jar changed on disk is never started with the
 * archive of its old content, and a training run that fails is not repeated while one
 * that ran too long is.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClassDataSharingTests {

	private static final Duration TRAINED = Duration.ofSeconds(60);

	@TempDir
	Path directory;

	@Test
	void theTrainingRunWritesAnArchiveThatAJvmStartedFromTheJarMaps() throws Exception {
		Path jar = jar("app.jar", "one");
		try (ClassDataSharing sharing = sharing(jar)) {
			assertThat(sharing.launch()).as("before any archive").isNull();
			assertThat(sharing.prepare()).isTrue();
			ClassDataSharing.Launch launch = await().atMost(TRAINED).until(sharing::launch, (ready) -> ready != null);
			if (Runtime.version().feature() >= 25) {
				assertThat(launch.options()).containsExactly("-XX:AOTCache=" + launch.archive());
			}
			else {
				assertThat(launch.options()).containsExactly("-XX:+UnlockDiagnosticVMOptions",
						"-XX:ArchiveRelocationMode=0", "-XX:SharedArchiveFile=" + launch.archive());
			}
			// A plain jar is archived where it is (a Spring Boot jar is unpacked first).
			assertThat(launch.jar()).isEqualTo(jar);
			assertThat(launch.describe()).startsWith(launch.archive().toString());
			assertThat(launch.archive()).isRegularFile().startsWith(this.directory.resolve("cache"));
			// -Xshare:on makes a JVM that cannot map the archive fail instead of going
			// on.
			assertThat(java(withJar(launch))).isZero();
		}
	}

	@Test
	void aJarChangedOnDiskStartsWithoutTheOldArchiveUntilItsOwnIsMade() throws Exception {
		Path jar = jar("app.jar", "one");
		try (ClassDataSharing sharing = sharing(jar)) {
			sharing.prepare();
			ClassDataSharing.Launch first = await().atMost(TRAINED).until(sharing::launch, (ready) -> ready != null);
			jar("app.jar", "content two");
			assertThat(sharing.launch()).as("the changed jar, before its archive").isNull();
			sharing.prepare();
			ClassDataSharing.Launch second = await().atMost(TRAINED).until(sharing::launch, (ready) -> ready != null);
			assertThat(second.archive()).isNotEqualTo(first.archive());
			assertThat(second.jar()).hasSameBinaryContentAs(jar);
		}
	}

	@Test
	void aFailedTrainingRunIsLoggedOnceAndLeavesTheWorkersAsTheyAre(CapturedOutput output) throws Exception {
		Path jar = jar("app.jar", "one");
		try (ClassDataSharing sharing = sharing(jar, "--fail")) {
			sharing.prepare();
			await().atMost(TRAINED)
				.until(() -> output.toString().contains("Workers go on without a class data archive"));
			assertThat(output).contains("the training run exited with code 3", "training failed on purpose");
			assertThat(sharing.prepare()).as("a second attempt for the same jar").isFalse();
			assertThat(sharing.launch()).isNull();
		}
	}

	@Test
	void aTrainingRunThatRunsTooLongIsStoppedAndTriedAgainLater(CapturedOutput output) throws Exception {
		Path jar = jar("app.jar", "one");
		try (ClassDataSharing sharing = sharing(jar, Duration.ofSeconds(1), "--hang")) {
			sharing.prepare();
			await().atMost(TRAINED).until(() -> output.toString().contains("tried again after the next reload"));
			assertThat(output).contains("the training run ran longer than 3.0 s (3 x app.cluster.startup-timeout)");
			assertThat(sharing.launch()).isNull();
			assertThat(sharing.prepare()).as("a second attempt for the same jar").isTrue();
		}
		// Closing stopped the second attempt: nothing of it runs on, or logs, after.
		await().atMost(Duration.ofSeconds(5))
			.until(() -> Thread.getAllStackTraces()
				.keySet()
				.stream()
				.noneMatch((thread) -> thread.getName().equals("cluster-class-data")));
		assertThat(output.toString().lines().filter((line) -> line.contains("Workers go on without"))).hasSize(1);
	}

	@Test
	void onlyAJavaJarLaunchWithoutTheUsersOwnSharingOptionsIsShared() {
		WorkerCommand jar = command(Path.of("app.jar"));
		assertThat(ClassDataSharing.reasonNotToShare(jar, List.of())).isNull();
		assertThat(ClassDataSharing.reasonNotToShare(
				new WorkerCommand("java", List.of(), List.of("-cp", "classes", "app.Main"), List.of()), List.of()))
			.contains("not a java -jar launch");
		assertThat(ClassDataSharing.reasonNotToShare(jar, List.of("-Xshare:off"))).isEqualTo("-Xshare:off chosen");
		assertThat(ClassDataSharing.reasonNotToShare(
				new WorkerCommand("java", List.of("-XX:SharedArchiveFile=my.jsa"), jar.target(), List.of()), List.of()))
			.isEqualTo("-XX:SharedArchiveFile=my.jsa chosen");
	}

	@Test
	void workersMapTheArchiveAtItsOwnAddressOnJdk17To24UnlessTheUserChoseWhereOrRandomized() {
		WorkerCommand jar = command(Path.of("app.jar"));
		boolean dynamicArchive = Runtime.version().feature() < 25;
		assertThat(ClassDataSharing.mapsAtItsOwnAddress(ClusterProperties.ClassDataSharing.AUTO, jar, List.of()))
			.isEqualTo(dynamicArchive);
		assertThat(ClassDataSharing.mapsAtItsOwnAddress(ClusterProperties.ClassDataSharing.RANDOMIZED, jar, List.of()))
			.isFalse();
		assertThat(ClassDataSharing.mapsAtItsOwnAddress(ClusterProperties.ClassDataSharing.AUTO, jar,
				List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=1")))
			.isFalse();
		assertThat(ClassDataSharing.mapsAtItsOwnAddress(ClusterProperties.ClassDataSharing.AUTO,
				new WorkerCommand("java", List.of("-XX:ArchiveRelocationMode=1"), jar.target(), List.of()), List.of()))
			.isFalse();
		assertThat(ClassDataSharing.mapsAtItsOwnAddress(ClusterProperties.ClassDataSharing.AUTO, jar,
				List.of("-XX:-UnlockDiagnosticVMOptions")))
			.isFalse();
	}

	@Test
	void atItsOwnAddressTheArchivesReadOnlyPagesStayCleanAndRandomizedTheyDoNot() throws Exception {
		assumeTrue(Runtime.version().feature() < 25, "JDK 25 writes every page of an AOT cache at any address");
		Path jar = jar("app.jar", "one");
		try (ClassDataSharing shared = sharing(jar);
				ClassDataSharing randomized = new ClassDataSharing(this.directory.resolve("cache"), jar, command(jar),
						List.of("-Xmx64m"), TRAINED, false)) {
			shared.prepare();
			ClassDataSharing.Launch launch = await().atMost(TRAINED).until(shared::launch, (ready) -> ready != null);
			ClassDataSharing.Launch random = randomized.launch();
			assertThat(random.options()).containsExactly(launch.options().get(launch.options().size() - 1));
			// A page the JVM wrote is that process's own copy; one it did not is the
			// page cache's, shared by every process that maps the file.
			assertThat(java(withJar(launch, "--archive-pages-clean", launch.archive().toString())))
				.as("at its own address")
				.isZero();
			assertThat(java(withJar(random, "--archive-pages-clean", random.archive().toString()))).as("randomized")
				.isEqualTo(4);
		}
	}

	private ClassDataSharing sharing(Path jar, String... programArgs) {
		return sharing(jar, TRAINED, programArgs);
	}

	private ClassDataSharing sharing(Path jar, Duration startupTimeout, String... programArgs) {
		WorkerCommand command = new WorkerCommand(command(jar).java(), List.of(), List.of("-jar", jar.toString()),
				List.of(programArgs));
		return new ClassDataSharing(this.directory.resolve("cache"), jar, command, List.of("-Xmx64m"), startupTimeout,
				true);
	}

	private static WorkerCommand command(Path jar) {
		return new WorkerCommand(Path.of(System.getProperty("java.home"), "bin", "java").toString(), List.of(),
				List.of("-jar", jar.toString()), List.of());
	}

	/**
	 * A jar whose main class exits at once, or with code 3 when asked to fail.
	 */
	private Path jar(String name, String content) throws IOException {
		Path jar = this.directory.resolve(name);
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, TrainingMain.class.getName());
		String resource = TrainingMain.class.getName().replace('.', '/') + ".class";
		try (OutputStream file = Files.newOutputStream(jar);
				JarOutputStream out = new JarOutputStream(file, manifest);
				InputStream main = getClass().getClassLoader().getResourceAsStream(resource)) {
			out.putNextEntry(new JarEntry(resource));
			main.transferTo(out);
			out.putNextEntry(new JarEntry("content.txt"));
			out.write(content.getBytes());
		}
		return jar;
	}

	private static String[] withJar(ClassDataSharing.Launch launch, String... programArgs) {
		List<String> args = new ArrayList<>(List.of("-Xshare:on"));
		args.addAll(launch.options());
		args.addAll(List.of("-jar", launch.jar().toString()));
		args.addAll(List.of(programArgs));
		return args.toArray(String[]::new);
	}

	private static int java(String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(command(Path.of("x")).java()));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).inheritIO().start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return process.exitValue();
	}

	/**
	 * The application of the test jars; with {@code --archive-pages-clean <archive>} it
	 * exits with code 4 unless it maps part of that archive read-only and copied at most
	 * a tenth of those pages.
	 */
	public static final class TrainingMain {

		private TrainingMain() {
		}

		public static void main(String[] args) throws IOException {
			if (List.of(args).contains("--hang")) {
				// An application that never finishes starting: it waits on its standard
				// input, which ends when it is killed or its parent exits.
				System.in.read();
			}
			if (List.of(args).contains("--fail")) {
				System.out.println("training failed on purpose");
				System.exit(3);
			}
			if (args.length == 2 && args[0].equals("--archive-pages-clean")) {
				System.exit(cleanReadOnlyPages(args[1]) ? 0 : 4);
			}
			System.exit(0);
		}

		private static boolean cleanReadOnlyPages(String archive) throws IOException {
			boolean readOnlyArchive = false;
			long rss = 0;
			long copied = 0;
			for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
				String[] fields = line.trim().split("\\s+");
				if (fields[0].matches("[0-9a-f]+-[0-9a-f]+")) {
					readOnlyArchive = fields[1].equals("r--p") && fields.length > 5 && fields[5].equals(archive);
				}
				else if (readOnlyArchive && fields[0].equals("Rss:")) {
					rss += Long.parseLong(fields[1]);
				}
				else if (readOnlyArchive && fields[0].equals("Anonymous:")) {
					copied += Long.parseLong(fields[1]);
				}
			}
			System.out.println("read-only archive pages: Rss " + rss + " kB, copied " + copied + " kB");
			return rss > 0 && copied <= rss / 10;
		}

	}

}
