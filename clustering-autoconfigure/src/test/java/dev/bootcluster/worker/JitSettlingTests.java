package dev.bootcluster.worker;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JitSettlingTests {

	private final AtomicLong compiledMillis = new AtomicLong();

	private final AtomicLong nanos = new AtomicLong();

	private final AtomicLong cpuNanos = new AtomicLong();

	private final JitSettling settling = new JitSettling(this.compiledMillis::get, this.nanos::get, this.cpuNanos::get);

	@Test
	void settlesAfterTwoQuietBatchesInARowAndABusyOneStartsTheCountAgain() {
		assertThat(batch(100)).as("busy 40%").isFalse();
		assertThat(batch(10)).as("quiet 4%").isFalse();
		assertThat(batch(30)).as("busy 12%").isFalse();
		assertThat(batch(20)).as("quiet 8%").isFalse();
		assertThat(batch(0)).as("quiet again").isTrue();
	}

	@Test
	void roundsShorterThanABatchAreAddedUpBeforeTheCompilerIsJudged() {
		// 100 ms rounds: the third one ends the first 250 ms batch, a quiet one.
		assertThat(round(100, 0)).isFalse();
		assertThat(round(100, 0)).isFalse();
		assertThat(round(100, 0)).isFalse();
		// A long compilation that ends within the next batch makes that one busy.
		assertThat(round(100, 0)).isFalse();
		assertThat(round(100, 0)).isFalse();
		assertThat(round(100, 200)).isFalse();
		assertThat(round(300, 0)).isFalse();
		assertThat(round(300, 0)).isTrue();
	}

	@Test
	void compilationOnSeveralThreadsCanMakeABatchBusierThanItIsLong() {
		assertThat(batch(600)).isFalse();
		assertThat(batch(0)).isFalse();
		assertThat(batch(0)).isTrue();
	}

	@Test
	void aBatchLastsUntilTheProcessHadItsLengthInCpuTime() {
		// A worker that gets a tenth of a core: 250 ms on the clock hold 25 ms of its
		// CPU, in which it finishes no compilation.
		for (int i = 0; i < 9; i++) {
			assertThat(round(250, 25, 0)).as("round %d", i).isFalse();
		}
		// The tenth round completes the first batch (2.5 s, 250 ms of CPU), in which the
		// compiler finished 500 ms of compilations: busy.
		assertThat(round(250, 25, 500)).isFalse();
		for (int i = 0; i < 19; i++) {
			assertThat(round(250, 25, 0)).as("round %d", i).isFalse();
		}
		assertThat(round(250, 25, 0)).as("two quiet batches of 250 ms of CPU").isTrue();
	}

	/**
	 * One round a batch long, during which the compiler worked that many milliseconds.
	 */
	private boolean batch(long compiled) {
		return round(JitSettling.BATCH.toMillis(), compiled);
	}

	/**
	 * One round that long, in which the process had as much CPU time.
	 */
	private boolean round(long millis, long compiled) {
		return round(millis, millis, compiled);
	}

	private boolean round(long millis, long cpuMillis, long compiled) {
		this.nanos.addAndGet(millis * 1_000_000);
		this.cpuNanos.addAndGet(cpuMillis * 1_000_000);
		this.compiledMillis.addAndGet(compiled);
		return this.settling.roundEnded();
	}

}
