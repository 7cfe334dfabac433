package dev.bootcluster.worker;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JitSettlingTests {

	private final AtomicLong compiledMillis = new AtomicLong();

	private final AtomicLong nanos = new AtomicLong();

	private final JitSettling settling = new JitSettling(this.compiledMillis::get, this.nanos::get);

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

	/**
	 * One round a batch long, during which the compiler worked that many milliseconds.
	 */
	private boolean batch(long compiled) {
		return round(JitSettling.BATCH.toMillis(), compiled);
	}

	private boolean round(long millis, long compiled) {
		this.nanos.addAndGet(millis * 1_000_000);
		this.compiledMillis.addAndGet(compiled);
		return this.settling.roundEnded();
	}

}
