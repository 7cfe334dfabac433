package dev.bootcluster.server;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CpuShareTests {

	private static final long HALF_SECOND = TimeUnit.MILLISECONDS.toNanos(500);

	@Test
	void theShareMovesHalfWayToEachSampleTakenEveryHalfSecond() {
		Queue<Double> samples = new ArrayDeque<>(List.of(-1.0, 0.5, 0.5, 0.6));
		CpuShare share = new CpuShare(samples::remove);
		share.refresh(0);
		assertThat(share.share()).isEqualTo(1);
		share.refresh(HALF_SECOND);
		assertThat(share.share()).isEqualTo(0.75);
		// Not due yet: not sampled.
		share.refresh(HALF_SECOND + 1);
		assertThat(samples).hasSize(2);
		share.refresh(2 * HALF_SECOND);
		assertThat(share.share()).isEqualTo(0.625);
		// 0.6125 is less than a step from 0.625.
		share.refresh(3 * HALF_SECOND);
		assertThat(share.share()).isEqualTo(0.625);
	}

	@Test
	void aShareWithinAStepOfWholeIsWholeAndNoShareIsBelowAHalf() {
		Queue<Double> samples = new ArrayDeque<>(List.of(0.8, 1.0, 1.0, 0.0, 0.0, 0.0));
		CpuShare share = new CpuShare(samples::remove);
		share.refresh(0);
		assertThat(share.share()).isEqualTo(0.9);
		share.refresh(HALF_SECOND);
		assertThat(share.share()).isEqualTo(0.9);
		share.refresh(2 * HALF_SECOND);
		assertThat(share.share()).isEqualTo(1);
		for (int i = 3; i < 6; i++) {
			share.refresh(i * HALF_SECOND);
		}
		assertThat(share.share()).isEqualTo(CpuShare.LEAST);
	}

	@Test
	void aWorkerWhoseCpuTimesCannotBeReadHoldsConnectionsAsIfItHadItsCpuToItself() {
		int[] calls = new int[1];
		CpuShare unreadable = new CpuShare(() -> {
			if (++calls[0] > 1) {
				throw new IOException("gone");
			}
			return 0;
		});
		unreadable.refresh(0);
		assertThat(unreadable.share()).isEqualTo(CpuShare.LEAST);
		unreadable.refresh(HALF_SECOND);
		assertThat(unreadable.share()).isEqualTo(1);
		// Not read again.
		unreadable.refresh(2 * HALF_SECOND);
		assertThat(calls[0]).isEqualTo(2);
	}

	@Test
	void aWorkerThatIsNotPinnedHasItsWholeShare() {
		CpuShare.WHOLE.refresh(0);
		assertThat(CpuShare.WHOLE.share()).isEqualTo(1);
	}

}
