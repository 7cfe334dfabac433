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
		CpuAvailability cpu1 = new CpuAvailability(new int[] { 1 }, procStat, selfStat);
		Files.write(procStat, List.of("cpu  900 900 900 900 900 0 0 0 0 0", "cpu0 100 100 100 100 100 0 0 0 0 0",
				"cpu1 100 100 100 100 100 0 0 0 0 0", "intr 1 2 3"));
		Files.writeString(selfStat, self(40, 10));
		assertThat(cpu1.sample()).isEqualTo(-1);
		// 100 ticks of CPU 1: 20 idle, 10 waiting for I/O, 10 niced, 50 user (30 of them
		// this process's), 10 system (5 of them this process's).
		Files.write(procStat, List.of("cpu  0 0 0 0 0 0 0 0 0 0", "cpu0 999 999 999 999 999 0 0 0 0 0",
				"cpu1 150 110 110 120 110 0 0 0 7 7"));
		Files.writeString(selfStat, self(70, 15));
		assertThat(cpu1.sample()).isCloseTo((20 + 10 + 10 + 30 + 5) / 100.0, within(1e-9));
		// Another process took all of it.
		Files.write(procStat, List.of("cpu1 250 110 110 120 110 0 0 0 0 0"));
		assertThat(cpu1.sample()).isZero();
	}

	@Test
	void aCommandNameWithSpacesAndParenthesesIsSkipped() {
		assertThat(CpuAvailability.ownTicks(self(12, 3).replace("(java)", "(a) b (c)"))).isEqualTo(15);
	}

	@Test
	void aCpuThatProcStatDoesNotListIsAnError() {
		assertThatIllegalStateException()
			.isThrownBy(() -> CpuAvailability.times(List.of("cpu0 1 1 1 1 1 0 0 0"), self(1, 1), new int[] { 0, 3 }))
			.withMessage("/proc/stat lists 1 of CPUs 0,3");
		assertThatIllegalArgumentException().isThrownBy(() -> new CpuAvailability(new int[0]))
			.withMessage("No CPU to measure");
	}

	@Test
	void thisMachinesCpusCanBeMeasured() throws Exception {
		CpuAvailability availability = new CpuAvailability(CpuSet.allowed());
		assertThat(availability.sample()).isEqualTo(-1);
		long deadline = System.nanoTime() + 5_000_000_000L;
		double sample = -1;
		while (sample < 0 && System.nanoTime() < deadline) {
			Thread.onSpinWait();
			sample = availability.sample();
		}
		assertThat(sample).isBetween(0.0, 1.0);
	}

	private static String self(long utime, long stime) {
		return "4242 (java) S 1 4242 4242 0 -1 4194560 100 0 0 0 " + utime + " " + stime
				+ " 0 0 20 0 30 0 1234 5678 90 18446744073709551615";
	}

}
