package dev.bootcluster.primary;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CpuAffinityTests {

	@Test
	void eachWorkerGetsItsOwnCpusAndKeepsThemByWorkerId() {
		CpuAffinity oneEach = new CpuAffinity(new int[] { 0, 1 }, 1, null);
		assertThat(oneEach.cpusOf(0)).containsExactly(0);
		assertThat(oneEach.cpusOf(1)).containsExactly(1);
		// Scaled beyond the CPUs: worker ids wrap around.
		assertThat(oneEach.cpusOf(2)).containsExactly(0);
		CpuAffinity twoEach = new CpuAffinity(new int[] { 0, 1, 2, 3 }, 2, null);
		assertThat(twoEach.cpusOf(0)).containsExactly(0, 1);
		assertThat(twoEach.cpusOf(1)).containsExactly(2, 3);
		assertThat(twoEach.describe(2)).isEqualTo("worker 0 on CPUs 0-1, worker 1 on CPUs 2-3");
	}

	@Test
	void onlyCpusThePrimaryMayUseAreHandedOut() {
		// A container's cpuset, such as 2,5,7.
		CpuAffinity affinity = new CpuAffinity(new int[] { 2, 5, 7 }, 1, null);
		assertThat(affinity.cpusOf(0)).containsExactly(2);
		assertThat(affinity.cpusOf(1)).containsExactly(5);
		assertThat(affinity.cpusOf(2)).containsExactly(7);
		// More cores per worker than CPUs allowed: all of them, once.
		assertThat(new CpuAffinity(new int[] { 2, 5 }, 4, null).cpusOf(1)).containsExactly(2, 5);
	}

	@Test
	void anAffinityPlannedForSomeWorkersLeavesWorkersOfAnotherClusterSizeOnAllCpus() {
		CpuAffinity planned = new CpuAffinity(new int[] { 0, 1, 2, 3 }, 2, 2);
		assertThat(planned.cpusFor(1, 2)).containsExactly(2, 3);
		assertThat(planned.cpusFor(2, 3)).isNull();
		assertThat(planned.cpusFor(0, 4)).isNull();
		CpuAffinity anySize = new CpuAffinity(new int[] { 0, 1, 2, 3 }, 2, null);
		assertThat(anySize.cpusFor(2, 3)).containsExactly(0, 1);
	}

	@Test
	void autoPinsOnlyWhenTheWorkersSplitEveryAllowedCpuEvenly() {
		assertThat(CpuAffinity.reasonToShare(2, 2, 2, false)).isNull();
		assertThat(CpuAffinity.reasonToShare(8, 8, 4, false)).isNull();
		assertThat(CpuAffinity.reasonToShare(2, 2, 1, false)).isEqualTo("one worker");
		assertThat(CpuAffinity.reasonToShare(4, 4, 3, false)).isEqualTo("3 workers do not split 4 CPUs evenly");
		// A container with a CPU quota of 2 on a 64-CPU host: the JVM counts 2 cores, any
		// of the 64 CPUs may run them.
		assertThat(CpuAffinity.reasonToShare(64, 2, 2, false))
			.isEqualTo("the JVM counts 2 of the 64 allowed CPUs (a CPU quota or -XX:ActiveProcessorCount)");
		assertThat(CpuAffinity.reasonToShare(2, 2, 2, true))
			.isEqualTo("-XX:ActiveProcessorCount chosen for the workers");
	}

}
