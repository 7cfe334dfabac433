package dev.bootcluster.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CpuSetTests {

	@Test
	void masksAndListsFollowTheKernelsLayout() {
		long[] mask = CpuSet.mask(new int[] { 0, 1, 4, 64, 65 });
		assertThat(mask[0]).isEqualTo(0b10011);
		assertThat(mask[1]).isEqualTo(0b11);
		assertThat(CpuSet.cpus(mask)).containsExactly(0, 1, 4, 64, 65);
		assertThat(CpuSet.list(new int[] { 0, 1, 4, 64, 65 })).isEqualTo("0-1,4,64-65");
		assertThat(CpuSet.parse("0-1,4,64-65")).containsExactly(0, 1, 4, 64, 65);
		assertThat(CpuSet.parse("7")).containsExactly(7);
		assertThatIllegalArgumentException().isThrownBy(() -> CpuSet.parse("0-x"))
			.withMessage("Not a CPU list such as 0-1,4: '0-x'");
		assertThatIllegalArgumentException().isThrownBy(() -> CpuSet.mask(new int[] { 1024 }))
			.withMessage("No CPU 1024 in a mask of 1024");
	}

	@Test
	void everyThreadOfThisProcessMovesAndThreadsStartedLaterFollow() throws Exception {
		int[] allowed = CpuSet.allowed();
		int[] last = { allowed[allowed.length - 1] };
		CountDownLatch release = new CountDownLatch(1);
		Thread startedBefore = new Thread(() -> await(release), "started-before");
		startedBefore.start();
		try {
			CpuSet.pinThisProcess(last);
			assertThat(threadCpus()).isNotEmpty().allSatisfy((cpus) -> assertThat(cpus).isEqualTo(CpuSet.list(last)));
			AtomicReference<int[]> later = new AtomicReference<>();
			Thread startedAfter = new Thread(() -> later.set(CpuSet.allowed()), "started-after");
			startedAfter.start();
			startedAfter.join();
			assertThat(later.get()).containsExactly(last);
		}
		finally {
			release.countDown();
			startedBefore.join();
			CpuSet.pinThisProcess(allowed);
		}
		assertThat(CpuSet.allowed()).containsExactly(allowed);
	}

	@Test
	void cpusTheKernelRefusesLeaveTheThreadsWhereTheyWere() {
		int[] before = CpuSet.allowed();
		// No machine here has CPU 1023.
		assertThatIOException().isThrownBy(() -> CpuSet.pinThisProcess(new int[] { 1023 }))
			.withMessageStartingWith("sched_setaffinity failed for CPUs 1023 (errno ");
		assertThat(CpuSet.allowed()).containsExactly(before);
	}

	private static List<String> threadCpus() throws IOException {
		try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
			return tasks.map((task) -> {
				try {
					return Files.readAllLines(task.resolve("status"))
						.stream()
						.filter((line) -> line.startsWith("Cpus_allowed_list:"))
						.map((line) -> line.substring(line.indexOf(':') + 1).trim())
						.findFirst()
						.orElseThrow();
				}
				catch (IOException ex) {
					// The thread ended since it was listed.
					return null;
				}
			}).filter((cpus) -> cpus != null).toList();
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
