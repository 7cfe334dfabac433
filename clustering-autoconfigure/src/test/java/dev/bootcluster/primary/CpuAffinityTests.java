package dev.bootcluster.primary;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class CpuAffinityTests {

	@Test
	void eachWorkerGetsItsOwnCpusAndKeepsThemByWorkerId() {
		CpuAffinity oneEach = new CpuAffinity(new int[] { 0, 1 }, 1);
		assertThat(oneEach.cpusOf(0)).containsExactly(0);
		assertThat(oneEach.cpusOf(1)).containsExactly(1);
		// Scaled beyond the CPUs: worker ids wrap around.
		assertThat(oneEach.cpusOf(2)).containsExactly(0);
		CpuAffinity twoEach = new CpuAffinity(new int[] { 0, 1, 2, 3 }, 2);
		assertThat(twoEach.cpusOf(0)).containsExactly(0, 1);
		assertThat(twoEach.cpusOf(1)).containsExactly(2, 3);
		assertThat(twoEach.describe(2)).isEqualTo("worker 0 on CPUs 0-1, worker 1 on CPUs 2-3");
	}

	@Test
	void onlyCpusThePrimaryMayUseAreHandedOut() {
		// A container's cpuset, such as 2,5,7.
		CpuAffinity affinity = new CpuAffinity(new int[] { 2, 5, 7 }, 1);
		assertThat(affinity.cpusOf(0)).containsExactly(2);
		assertThat(affinity.cpusOf(1)).containsExactly(5);
		assertThat(affinity.cpusOf(2)).containsExactly(7);
		// More cores per worker than CPUs allowed: all of them, once.
		assertThat(new CpuAffinity(new int[] { 2, 5 }, 4).cpusOf(1)).containsExactly(2, 5);
	}

	@Test
	void masksAndListsFollowTheKernelsLayout() {
		long[] mask = CpuAffinity.mask(new int[] { 0, 1, 4, 64, 65 });
		assertThat(mask[0]).isEqualTo(0b10011);
		assertThat(mask[1]).isEqualTo(0b11);
		assertThat(CpuAffinity.cpus(mask)).containsExactly(0, 1, 4, 64, 65);
		assertThat(CpuAffinity.list(new int[] { 0, 1, 4, 64, 65 })).isEqualTo("0-1,4,64-65");
	}

	@Test
	void aLaunchRunsPinnedToTheWorkersCpusAndTheThreadGetsItsMaskBack() throws Exception {
		int[] allowed = CpuAffinity.cpus(CpuAffinity.currentMask());
		CpuAffinity affinity = new CpuAffinity(allowed, 1);
		int last = allowed.length - 1;
		AtomicReference<int[]> during = new AtomicReference<>();
		SupervisorTests.FakeWorker worker = new SupervisorTests.FakeWorker(last, 42);
		WorkerHandle result = affinity.pinning((workerId, workerCount) -> {
			during.set(CpuAffinity.cpus(CpuAffinity.currentMask()));
			return worker;
		}).launch(last, allowed.length);
		assertThat(result).isSameAs(worker);
		assertThat(during.get()).containsExactly(allowed[last]);
		assertThat(CpuAffinity.cpus(CpuAffinity.currentMask())).containsExactly(allowed);
	}

	@Test
	void cpusNoLongerAllowedMakeAFailedStartAndLeaveTheThreadAsItWas() throws Exception {
		int[] before = CpuAffinity.cpus(CpuAffinity.currentMask());
		// No machine here has CPU 1023: the kernel refuses the mask.
		CpuAffinity gone = new CpuAffinity(new int[] { 1023 }, 1);
		assertThatIOException()
			.isThrownBy(() -> gone.pinning((workerId, workerCount) -> new SupervisorTests.FakeWorker(workerId, 42))
				.launch(0, 1))
			.withMessageStartingWith("Cannot pin worker 0: sched_setaffinity failed for CPUs 1023");
		assertThat(CpuAffinity.cpus(CpuAffinity.currentMask())).containsExactly(before);
	}

}
