package dev.bootcluster.sample.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Variants of the packaged sample jar: the same jar with lines appended to its
 * {@code application.properties}, as a new build would ship.
 */
final class SampleJar {

	private static final String PROPERTIES = "BOOT-INF/classes/application.properties";

	private SampleJar() {
	}

	/**
	 * Copy the sample jar to a directory of its own.
	 */
	static Path copy(Path directory) throws IOException {
		Path jar = directory.resolve("app.jar");
		Files.copy(ClusterProcess.sampleJar(), jar, StandardCopyOption.REPLACE_EXISTING);
		return jar;
	}

	/**
	 * Deploy a variant over {@code target} the safe way: write a new file beside it, then
	 * rename it over the old one, so running workers keep reading the jar they opened.
	 */
	static void deployVariant(Path target, String extraProperties) throws IOException {
		Path next = target.resolveSibling(target.getFileName() + ".next");
		try (ZipFile source = new ZipFile(ClusterProcess.sampleJar().toFile());
				ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(next))) {
			Enumeration<? extends ZipEntry> entries = source.entries();
			while (entries.hasMoreElements()) {
				ZipEntry entry = entries.nextElement();
				byte[] content;
				try (InputStream in = source.getInputStream(entry)) {
					content = in.readAllBytes();
				}
				if (entry.getName().equals(PROPERTIES)) {
					content = (new String(content, StandardCharsets.UTF_8) + "\n" + extraProperties + "\n")
						.getBytes(StandardCharsets.UTF_8);
				}
				out.putNextEntry(copyOf(entry, content));
				out.write(content);
				out.closeEntry();
			}
		}
		Files.move(next, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	private static ZipEntry copyOf(ZipEntry entry, byte[] content) {
		ZipEntry copy = new ZipEntry(entry.getName());
		copy.setTime(entry.getTime());
		// Nested jars must stay stored (uncompressed) for Spring Boot's loader.
		copy.setMethod(entry.getMethod());
		if (entry.getMethod() == ZipEntry.STORED) {
			CRC32 crc = new CRC32();
			crc.update(content);
			copy.setSize(content.length);
			copy.setCompressedSize(content.length);
			copy.setCrc(crc.getValue());
		}
		return copy;
	}

}
