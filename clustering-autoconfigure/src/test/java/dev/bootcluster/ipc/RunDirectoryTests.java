package dev.bootcluster.ipc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RunDirectoryTests {

	@TempDir
	Path temp;

	@Test
	void aRunDirectoryIsPrivateNamesItsOwnerAndGoesWithItsFiles() throws IOException {
		RunDirectory directory = RunDirectory.create(this.temp);
		Path path = directory.resolve("primary.sock").getParent();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rwx------");
		assertThat(path.getFileName().toString()).startsWith("boot-cluster-" + ProcessHandle.current().pid() + "-");
		Files.writeString(directory.resolve("connections"), "x");
		directory.close();
		assertThat(path).doesNotExist();
	}

	@Test
	void onlyTheDirectoriesOfPrimariesThatAreGoneAreRemoved() throws Exception {
		long deadPid = deadProcess();
		Path stale = fakeRun(deadPid, "a1", deadPid + " -1");
		Path reusedPid = fakeRun(ProcessHandle.current().pid(), "b2", ProcessHandle.current().pid() + " 12345");
		Path live = RunDirectory.create(this.temp).resolve("primary.sock").getParent();
		Path noOwner = Files.createDirectory(this.temp.resolve("boot-cluster-" + deadPid + "-c3"));
		Path otherName = fakeRun(deadPid, "d4", deadPid + " -1");
		Files.move(otherName, this.temp.resolve("boot-cluster-other"));
		Path withSubdirectory = fakeRun(deadPid, "e5", deadPid + " -1");
		Files.createDirectory(withSubdirectory.resolve("keep"));
		assertThat(RunDirectory.removeStale(this.temp)).isEqualTo(2);
		assertThat(stale).doesNotExist();
		assertThat(reusedPid).doesNotExist();
		assertThat(live).isDirectory();
		assertThat(noOwner).isDirectory();
		assertThat(this.temp.resolve("boot-cluster-other")).isDirectory();
		assertThat(withSubdirectory).isDirectory();
	}

	private Path fakeRun(long pid, String suffix, String owner) throws IOException {
		Path directory = Files.createDirectory(this.temp.resolve("boot-cluster-" + pid + "-" + suffix));
		Files.writeString(directory.resolve("primary.pid"), owner);
		Files.writeString(directory.resolve("primary.sock"), "");
		return directory;
	}

	private static long deadProcess() throws Exception {
		Process process = new ProcessBuilder("true").start();
		process.waitFor();
		return process.pid();
	}

}
