package dev.bootcluster.server;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bootcluster.ipc.ConnectionTable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConnectionBalanceTests {

	private static final long MILLIS_100 = TimeUnit.MILLISECONDS.toNanos(100);

	@TempDir
	Path directory;

	@Test
	void aWorkerHoldingMoreThanItsShareWaitsAndOneWithinItsShareDoesNot() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 0, true);
		ConnectionBalance idle = new ConnectionBalance(ConnectionTable.open(table.file()), 1, true);
		busy.publish(5);
		idle.publish(1);
		assertThat(busy.awaitTurn(() -> 5, () -> true)).isTrue();
		assertThat(idle.awaitTurn(() -> 1, () -> true)).isFalse();
		// One above the least loaded is within the share.
		assertThat(busy.awaitTurn(() -> 2, () -> true)).isFalse();
	}

	@Test
	void aWaitThatRanOutIsNotRepeatedUntilAnotherWorkersCountMoves() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 0, true);
		ConnectionBalance stuck = new ConnectionBalance(ConnectionTable.open(table.file()), 1, true);
		busy.publish(5);
		stuck.publish(1);
		assertThat(busy.awaitTurn(() -> 5, () -> true)).isTrue();
		// The other worker took nothing: accept at once rather than wait in vain again.
		assertThat(busy.awaitTurn(() -> 6, () -> true)).isFalse();
		assertThat(busy.awaitTurn(() -> 7, () -> true)).isFalse();
		stuck.publish(2);
		assertThat(busy.awaitTurn(() -> 7, () -> true)).isTrue();
	}

	@Test
	void aWorkerAboveItsShareHandsBackHalfItsLead() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 0, true);
		ConnectionBalance joined = new ConnectionBalance(ConnectionTable.open(table.file()), 1, true);
		busy.publish(17);
		joined.publish(1);
		assertThat(busy.handBack(17, 0)).isEqualTo(8);
		assertThat(joined.handBack(1, 0)).isZero();
		joined.publish(15);
		assertThat(busy.handBack(17, MILLIS_100)).isEqualTo(1);
		assertThat(busy.handBack(16, MILLIS_100 * 2)).isZero();
	}

	@Test
	void handBacksWhileTheLeadLastsAreSpacedOutTwiceAsFarEachTime() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 0, true);
		new ConnectionBalance(ConnectionTable.open(table.file()), 1, true).publish(1);
		busy.publish(9);
		long now = 1;
		assertThat(busy.handBack(9, now)).isEqualTo(4);
		// The connections came back: the next hand-back waits 100 ms, then 200, 400, ...
		assertThat(busy.handBack(9, now + MILLIS_100 - 1)).isZero();
		assertThat(busy.handBack(9, now += MILLIS_100)).isEqualTo(4);
		assertThat(busy.handBack(9, now + MILLIS_100)).isZero();
		assertThat(busy.handBack(9, now += 2 * MILLIS_100)).isEqualTo(4);
		for (int i = 0; i < 10; i++) {
			now += 64 * MILLIS_100;
			assertThat(busy.handBack(9, now)).isEqualTo(4);
		}
		// At most every 3.2 s.
		assertThat(busy.handBack(9, now + 32 * MILLIS_100 - 1)).isZero();
		// Even again, the pause starts over at 100 ms.
		assertThat(busy.handBack(2, now += 32 * MILLIS_100)).isZero();
		assertThat(busy.handBack(9, now += 1)).isEqualTo(4);
		assertThat(busy.handBack(9, now + MILLIS_100)).isEqualTo(4);
	}

	@Test
	void aWorkerAloneHandsNothingBack() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance alone = new ConnectionBalance(table, 0, true);
		alone.publish(40);
		assertThat(alone.handBack(40, 0)).isZero();
	}

	@Test
	void aWorkerThatDoesNotHandBackStillWaitsForItsTurn() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance busy = new ConnectionBalance(table, 0, false);
		new ConnectionBalance(table, 1, true).publish(1);
		busy.publish(16);
		assertThat(busy.handBack(16, 0)).isZero();
		assertThat(busy.handBack(16, 10 * MILLIS_100)).isZero();
		assertThat(busy.awaitTurn(() -> 16, () -> true)).isTrue();
	}

	@Test
	void workersThatTakeNoConnectionsAreLeftOut() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 0, true);
		ConnectionBalance draining = new ConnectionBalance(ConnectionTable.open(table.file()), 1, true);
		ConnectionBalance killed = new ConnectionBalance(ConnectionTable.open(table.file()), 2, true);
		busy.publish(9);
		draining.publish(1);
		killed.publish(1);
		draining.withdraw();
		draining.publish(1);
		// The primary clears the slot of a process that ended.
		table.write(2, 0);
		assertThat(busy.awaitTurn(() -> 9, () -> true)).isFalse();
	}

	@Test
	void anAcceptorThatStopsWantingToAcceptStopsWaiting() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance busy = new ConnectionBalance(table, 0, true);
		new ConnectionBalance(table, 1, true).publish(1);
		busy.publish(5);
		assertThat(busy.awaitTurn(() -> 5, () -> false)).isFalse();
	}

	@Test
	void slotsAreBounded() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		assertThatIllegalArgumentException().isThrownBy(() -> new ConnectionBalance(table, 256, true))
			.withMessage("No slot 256 in a table of 256");
	}

}
