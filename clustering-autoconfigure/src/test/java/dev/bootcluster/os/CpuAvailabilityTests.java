package dev.bootcluster.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

class CpuAvailabilityTests {

	@TempDir
	Path directory;

	@Test
	void idleNicedAndOwnTimeOfTheMeasuredCpusAreAvailableAndEverythingElseIsTaken() throws Exception {
		Path procStat = this.directory.resolve("stat");
		Path selfStat = this.directory.resolve("self");
		CpuAvailability cpu1 = new CpuAvailability(new int[] { 1 }, procStat, selfStat, false);
		Files.write(procStat, List.of("cpu  900 900 900 900 900 0 0 0 0 0", "cpu0 100 100 100 100 100 0 0 0 0 0",
				"cpu1 100 100 100 100 100 0 0 0 0 0", "intr 1 2 3"));
		Files.writeString(selfStat, self(40, 10, 0));
		assertThat(cpu1.sample()).isEqualTo(-1);
		// 100 ticks of CPU 1: 20 idle, 10 waiting for I/O, 10 niced, 50 user (30 of them
		// this process's), 10 system (5 of them this process's); guest times not counted
		// again.
		Files.write(procStat, List.of("cpu  0 0 0 0 0 0 0 0 0 0", "cpu0 999 999 999 999 999 0 0 0 0 0",
				"cpu1 150 110 110 120 110 0 0 0 7 7"));
		Files.writeString(selfStat, self(70, 15, 0));
		assertThat(cpu1.sample()).isCloseTo((20 + 10 + 10 + 30 + 5) / 100.0, within(1e-9));
		// Another process took all of it.
		Files.write(procStat, List.of("cpu1 250 110 110 120 110 0 0 0 0 0"));
		assertThat(cpu1.sample()).isZero();
	}

	@Test
	void aNicedProcessDoesNotCountNicedTimeAsAvailableForItsOwnIsThere() {
		// 100 ticks: 60 niced, all of them this process's, 40 another process's.
		List<String> procStat = List.of("cpu0 40 60 0 0 0 0 0 0 0 0");
		CpuAvailability.Times niced = CpuAvailability.times(procStat, self(60, 0, 10), new int[] { 0 });
		assertThat(niced.available()).isEqualTo(60);
		CpuAvailability.Times notNiced = CpuAvailability.times(procStat, self(0, 0, 0), new int[] { 0 });
		assertThat(notNiced.available()).isEqualTo(60);
		assertThat(niced.total()).isEqualTo(100);
	}

	@Test
	void aCommandNameWithSpacesAndParenthesesIsSkipped() {
		String self = self(12, 3, 0).replace("(java)", "(a) b (c)");
		assertThat(CpuAvailability.times(List.of("cpu0 0 0 0 0 0 0 0 0"), self, new int[] { 0 }).available())
			.isEqualTo(15);
	}

	@Test
	void aCpuThatProcStatDoesNotListOrAShortStatLineIsAnError() {
		assertThatIllegalStateException()
			.isThrownBy(() -> CpuAvailability.times(List.of("cpu0 1 1 1 1 1 0 0 0"), self(1, 1, 0), new int[] { 0, 3 }))
			.withMessage("/proc/stat lists 1 of CPUs 0,3");
		assertThatIllegalStateException()
			.isThrownBy(
					() -> CpuAvailability.times(List.of("cpu0 1 1 1 1 1 0 0 0"), "42 (java) S 1 2", new int[] { 0 }))
			.withMessage("Not a /proc/<pid>/stat line: 42 (java) S 1 2");
		assertThatIllegalArgumentException().isThrownBy(() -> new CpuAvailability(new int[0]))
			.withMessage("No CPU to measure");
	}

	@Test
	void thisMachinesCpusCanBeMeasuredWhereThisProcessRunsOnThemOnly() throws Exception {
		CpuAvailability availability = new CpuAvailability(CpuSet.allowed());
		assertThat(availability.sample()).isEqualTo(-1);
		long deadline = System.nanoTime() + 5_000_000_000L;
		double sample = -1;
		while (sample < 0 && System.nanoTime() < deadline) {
			Thread.onSpinWait();
			sample = availability.sample();
		}
		assertThat(sample).isBetween(0.0, 1.0);
		int[] oneCpu = { CpuSet.allowed()[0] };
		if (CpuSet.allowed().length > 1) {
			assertThatIllegalStateException().isThrownBy(() -> new CpuAvailability(oneCpu).sample())
				.withMessageStartingWith("this process runs on CPUs ")
				.withMessageEndingWith(", not only on CPUs " + oneCpu[0]);
		}
	}

	private static String self(long utime, long stime, int nice) {
		return "4242 (java) S 1 4242 4242 0 -1 4194560 100 0 0 0 " + utime + " " + stime + " 0 0 20 " + nice
				+ " 30 0 1234 5678 90 18446744073709551615";
	}

}
