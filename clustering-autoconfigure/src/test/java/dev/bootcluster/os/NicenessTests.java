package dev.bootcluster.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

class NicenessTests {

	@Test
	void readsTheNiceValueAfterACommandNameWithSpacesAndParentheses(@TempDir Path dir) throws IOException {
		Path stat = dir.resolve("stat");
		Files.writeString(stat, "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 1 0 0 0 3 1 0 0 20 7 12 0 10\n");
		assertThat(Niceness.fromStat(stat)).isEqualTo(7);
	}

	@Test
	void readsTheCapabilityAndTheNiceLimit() {
		assertThat(Niceness.hasCapability("Name:\tjava\nCapEff:\t0000000000800000\n", 23)).isTrue();
		assertThat(Niceness.hasCapability("Name:\tjava\nCapEff:\t0000000000000000\n", 23)).isFalse();
		assertThat(Niceness.hasCapability("Name:\tjava\n", 23)).isFalse();
		assertThat(Niceness.niceLimit("Max realtime priority     0          0\n"
				+ "Max nice priority         20                   25                   \n"))
			.isEqualTo(20);
		assertThat(Niceness.niceLimit("Max nice priority         unlimited            unlimited            \n"))
			.isEqualTo(40);
		assertThat(Niceness.niceLimit("")).isZero();
	}

	@Test
	void everyThreadOfAnotherProcessGetsTheNiceValueAndReturnsOnlyWithThePrivilege() throws Exception {
		Process child = new ProcessBuilder("sleep", "60").start();
		try {
			int before = Niceness.of(child.pid());
			assertThat(before).isEqualTo(Niceness.ofThisThread());
			Niceness.set(child.pid(), before + 1);
			assertThat(Niceness.of(child.pid())).isEqualTo(before + 1);
			if (Niceness.mayLowerTo(before)) {
				Niceness.set(child.pid(), before);
				assertThat(Niceness.of(child.pid())).isEqualTo(before);
			}
			else {
				assertThatIOException().isThrownBy(() -> Niceness.set(child.pid(), before))
					.withMessageStartingWith("setpriority failed for nice " + before + " (errno ");
			}
			assertThatIllegalArgumentException().isThrownBy(() -> Niceness.set(child.pid(), 20))
				.withMessage("No nice value 20: -20 to 19");
		}
		finally {
			child.destroyForcibly().waitFor();
		}
	}

	@Test
	void aThreadOfThisProcessIsFoundByItsNameAndGetsItsOwnNiceValue() throws Exception {
		CountDownLatch done = new CountDownLatch(1);
		Thread thread = new Thread(() -> {
			try {
				done.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "niceness-test-thread");
		thread.start();
		try {
			// Linux keeps 15 characters of the name.
			Map<Integer, Integer> found = await("the thread in /proc").atMost(Duration.ofSeconds(5))
				.until(() -> Niceness.ofThreadsNamed("niceness-test-t"), (threads) -> threads.size() == 1);
			int tid = found.keySet().iterator().next();
			int before = found.get(tid);
			assertThat(before).isEqualTo(Niceness.ofThisThread());
			Niceness.setThread(tid, before + 3);
			assertThat(Niceness.ofThreadsNamed("niceness-test-t")).containsExactly(Map.entry(tid, before + 3));
			assertThat(Niceness.ofThisThread()).isEqualTo(before);
			assertThat(Niceness.ofThreadsNamed("no such thread")).isEmpty();
			assertThatIllegalArgumentException().isThrownBy(() -> Niceness.setThread(tid, -21))
				.withMessage("No nice value -21: -20 to 19");
		}
		finally {
			done.countDown();
			thread.join();
		}
	}

}
