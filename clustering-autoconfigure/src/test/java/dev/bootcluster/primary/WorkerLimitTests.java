package dev.bootcluster.primary;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerLimitTests {

	private static final long GIB = 1L << 30;

	@Test
	void byDefaultTheLimitIsFourPerCoreOrOnePer256MbWhicheverIsLower() {
		assertThat(WorkerLimit.of(null, 2, 24 * GIB).max()).isEqualTo(8);
		assertThat(WorkerLimit.of(null, 2, GIB).max()).isEqualTo(4);
		assertThat(WorkerLimit.of(null, 1, 100L << 20).max()).isEqualTo(1);
		assertThat(WorkerLimit.of(null, 512, 1024 * GIB).max()).isEqualTo(256);
	}

	@Test
	void aConfiguredLimitWins() {
		WorkerLimit limit = WorkerLimit.of(16, 2, GIB);
		assertThat(limit.max()).isEqualTo(16);
		assertThat(limit.refusal(16)).isNull();
		assertThat(limit.refusal(17)).isEqualTo("17 workers are more than the 16 allowed (app.cluster.max-instances); "
				+ "set app.cluster.max-instances (up to 256) to allow more");
	}

	@Test
	void theRefusalSaysWhereTheLimitComesFrom() {
		assertThat(WorkerLimit.of(null, 2, 24 * GIB).refusal(99999))
			.isEqualTo("99999 workers are more than the 8 allowed (4 per core on 2 cores and one per 256 MB of "
					+ "24576 MB of memory, whichever is lower); set app.cluster.max-instances (up to 256) to allow more");
	}

}
