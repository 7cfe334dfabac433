package dev.bootcluster.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bootcluster.ipc.ConnectionTable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class ConnectionBalanceTests {

	private static final long MILLIS_100 = TimeUnit.MILLISECONDS.toNanos(100);

	@TempDir
	Path directory;

	@Test
	void aWorkerHoldingMoreThanItsShareWaitsAndOneWithinItsShareDoesNot() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 0, true, Duration.ZERO);
		ConnectionBalance idle = new ConnectionBalance(ConnectionTable.open(table.file()), 1, true, Duration.ZERO);
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
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 0, true, Duration.ZERO);
		ConnectionBalance stuck = new ConnectionBalance(ConnectionTable.open(table.file()), 1, true, Duration.ZERO);
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
	void aConnectionTakenAboveTheShareAfterAWaitRanOutIsHandedBackWhileTheOthersTakeConnections() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance slow = new ConnectionBalance(ConnectionTable.open(table.file()), 0, true, Duration.ZERO);
		ConnectionBalance fast = new ConnectionBalance(ConnectionTable.open(table.file()), 1, true, Duration.ZERO);
		slow.publish(20);
		fast.publish(12);
		// Waited in vain: nothing came while it waited, and it blocks in accept.
		assertThat(slow.awaitTurn(() -> 20, () -> true)).isTrue();
		assertThat(slow.awaitTurn(() -> 20, () -> true)).isFalse();
		// The other worker stood still (hung, say): the connection stays.
		assertThat(slow.acceptedAboveShare(21)).isFalse();
		// The other worker's count moved: it takes connections.
		fast.publish(11);
		assertThat(slow.acceptedAboveShare(21)).isTrue();
		// Within its share a connection stays.
		assertThat(slow.acceptedAboveShare(12)).isFalse();
		// Without a wait that ran out it stays too: the acceptor waited its turn.
		slow.publish(12);
		fast.publish(12);
		assertThat(slow.awaitTurn(() -> 12, () -> true)).isFalse();
		assertThat(slow.acceptedAboveShare(21)).isFalse();
	}

	@Test
	void aConnectionTakenAboveTheShareStaysWhileTheLeastLoadedWorkerHangsThoughAnotherMoves() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance taking = new ConnectionBalance(ConnectionTable.open(table.file()), 0, true, Duration.ZERO);
		ConnectionBalance hung = new ConnectionBalance(ConnectionTable.open(table.file()), 1, true, Duration.ZERO);
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 2, true, Duration.ZERO);
		taking.publish(20);
		hung.publish(3);
		busy.publish(20);
		assertThat(taking.awaitTurn(() -> 20, () -> true)).isTrue();
		busy.publish(21);
		assertThat(taking.acceptedAboveShare(21)).isFalse();
		hung.publish(2);
		assertThat(taking.acceptedAboveShare(21)).isTrue();
	}

	@Test
	void aWorkerAboveItsShareHandsBackHalfItsLead() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 0, true, Duration.ZERO);
		ConnectionBalance joined = new ConnectionBalance(ConnectionTable.open(table.file()), 1, true, Duration.ZERO);
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
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 0, true, Duration.ZERO);
		new ConnectionBalance(ConnectionTable.open(table.file()), 1, true, Duration.ZERO).publish(1);
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
		ConnectionBalance alone = new ConnectionBalance(table, 0, true, Duration.ZERO);
		alone.publish(40);
		assertThat(alone.handBack(40, 0)).isZero();
	}

	@Test
	void aWorkerThatDoesNotHandBackStillWaitsForItsTurn() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance busy = new ConnectionBalance(table, 0, false, Duration.ZERO);
		new ConnectionBalance(table, 1, true, Duration.ZERO).publish(1);
		busy.publish(16);
		assertThat(busy.handBack(16, 0)).isZero();
		assertThat(busy.handBack(16, 10 * MILLIS_100)).isZero();
		assertThat(busy.awaitTurn(() -> 16, () -> true)).isTrue();
	}

	@Test
	void workersThatTakeNoConnectionsAreLeftOut() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 0, true, Duration.ZERO);
		ConnectionBalance draining = new ConnectionBalance(ConnectionTable.open(table.file()), 1, true, Duration.ZERO);
		ConnectionBalance killed = new ConnectionBalance(ConnectionTable.open(table.file()), 2, true, Duration.ZERO);
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
		ConnectionBalance busy = new ConnectionBalance(table, 0, true, Duration.ZERO);
		new ConnectionBalance(table, 1, true, Duration.ZERO).publish(1);
		busy.publish(5);
		assertThat(busy.awaitTurn(() -> 5, () -> false)).isFalse();
	}

	@Test
	void aWorkerInItsSlowStartHoldsAQuarterAsManyConnectionsAsTheLeastLoadedAtFirstAndAsManyAtTheEnd()
			throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		AtomicLong clock = new AtomicLong(1_000);
		ConnectionBalance serving = withClock(table, 0, Duration.ZERO, clock);
		ConnectionBalance started = withClock(table, 1, Duration.ofSeconds(10), clock);
		// Idle, it counts as idle: the one its acceptor waits for counts once.
		started.publish(1);
		assertThat(table.held(1)).isEqualTo(1);
		// Then 3 connections count as 12, and the one it waits for once: even with the
		// serving worker's 12 and the one it waits for.
		serving.publish(13);
		started.publish(4);
		assertThat(table.held(1)).isEqualTo(13);
		assertThat(started.awaitTurn(() -> 4, () -> true)).isFalse();
		assertThat(started.awaitTurn(() -> 5, () -> true)).isTrue();
		assertThat(serving.awaitTurn(() -> 13, () -> true)).isFalse();
		// Half way through its share is 0.625: 5 connections count as 8, 8 as 13, 9 as
		// 15.
		clock.addAndGet(Duration.ofSeconds(5).toNanos());
		started.publish(6);
		assertThat(table.held(1)).isEqualTo(9);
		serving.publish(13);
		assertThat(started.awaitTurn(() -> 9, () -> true)).isFalse();
		assertThat(started.awaitTurn(() -> 10, () -> true)).isTrue();
		// At the end every connection counts once.
		clock.addAndGet(Duration.ofSeconds(5).toNanos());
		started.publish(12);
		assertThat(table.held(1)).isEqualTo(12);
		serving.publish(13);
		assertThat(started.awaitTurn(() -> 14, () -> true)).isFalse();
		assertThat(started.awaitTurn(() -> 15, () -> true)).isTrue();
	}

	@Test
	void aWorkerInItsSlowStartHandsBackHalfOfWhatItHoldsAboveItsShare() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		AtomicLong clock = new AtomicLong(1_000);
		ConnectionBalance serving = withClock(table, 0, Duration.ZERO, clock);
		ConnectionBalance started = withClock(table, 1, Duration.ofSeconds(10), clock);
		serving.publish(9);
		started.publish(9);
		// 8 connections count as 32: a lead of 24 counted connections over the serving
		// worker's 8, 6 of its own, of which it hands back half.
		assertThat(started.handBack(9, clock.get())).isEqualTo(3);
		// The serving worker is not ahead of the started one.
		assertThat(serving.handBack(9, clock.get())).isZero();
		started.publish(3);
		assertThat(started.handBack(3, clock.get() + MILLIS_100)).isZero();
	}

	@Test
	void aWorkerInItsSlowStartPublishesItsCountAgainUntilEveryConnectionCountsOnce() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		AtomicLong clock = new AtomicLong(1_000);
		ConnectionBalance started = withClock(table, 1, Duration.ofSeconds(10), clock);
		started.publish(5);
		assertThat(table.held(1)).isEqualTo(17);
		// Keep-alive connections neither open nor close: the count still goes down.
		clock.addAndGet(Duration.ofSeconds(5).toNanos());
		started.republish(5, clock.get());
		assertThat(table.held(1)).isEqualTo(8);
		clock.addAndGet(Duration.ofSeconds(5).toNanos());
		started.republish(5, clock.get());
		assertThat(table.held(1)).isEqualTo(5);
		// Then it is not published again.
		long changes = table.changes(1);
		started.republish(5, clock.get());
		assertThat(table.changes(1)).isEqualTo(changes);
	}

	@Test
	void aWorkerThatGetsHalfOfItsCpuHoldsHalfAsManyConnectionsAsOneThatHasItsCpuToItself() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		AtomicLong clock = new AtomicLong(1_000);
		ConnectionBalance whole = withClock(table, 0, Duration.ZERO, clock);
		CpuShare half = new CpuShare(() -> 0.5);
		ConnectionBalance shared = new ConnectionBalance(ConnectionTable.open(table.file()), 1, true, Duration.ZERO,
				half, clock::get);
		whole.publish(17);
		shared.publish(17);
		assertThat(table.held(1)).isEqualTo(17);
		// Sampled every half second, the share moves half way each time: 0.75 at first.
		shared.republish(17, clock.get());
		assertThat(half.share()).isEqualTo(0.75);
		assertThat(table.held(1)).isEqualTo(23);
		for (int i = 0; i < 30; i++) {
			shared.republish(17, clock.addAndGet(5 * MILLIS_100));
		}
		assertThat(half.share()).isCloseTo(0.5, within(CpuShare.STEP));
		// 16 connections count as 32: it hands back half of its lead of 16, in the
		// connections it holds, and the one that has its CPU hands back none.
		shared.republish(17, clock.get());
		assertThat(table.held(1)).isEqualTo(33);
		assertThat(shared.handBack(17, clock.get())).isEqualTo(4);
		assertThat(whole.handBack(17, clock.get())).isZero();
		// With 8 of the other's 16, it is even and takes one more only while the other
		// holds 2 more than that.
		shared.publish(9);
		assertThat(table.held(1)).isEqualTo(17);
		assertThat(shared.handBack(9, clock.get() + 2 * MILLIS_100)).isZero();
		assertThat(shared.awaitTurn(() -> 9, () -> true)).isFalse();
		assertThat(shared.awaitTurn(() -> 10, () -> true)).isTrue();
		whole.publish(19);
		assertThat(shared.awaitTurn(() -> 10, () -> true)).isFalse();
	}

	@Test
	void slotsAreBounded() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		assertThatIllegalArgumentException().isThrownBy(() -> new ConnectionBalance(table, 256, true, Duration.ZERO))
			.withMessage("No slot 256 in a table of 256");
	}

	private static ConnectionBalance withClock(ConnectionTable table, int slot, Duration slowStart, AtomicLong clock)
			throws Exception {
		return new ConnectionBalance(ConnectionTable.open(table.file()), slot, true, slowStart, CpuShare.WHOLE,
				clock::get);
	}

}
