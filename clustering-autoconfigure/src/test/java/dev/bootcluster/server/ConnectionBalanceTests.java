package dev.bootcluster.server;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConnectionBalanceTests {

	@TempDir
	Path directory;

	@Test
	void aWorkerHoldingMoreThanItsShareWaitsAndOneWithinItsShareDoesNot() throws Exception {
		ConnectionBalance.Table table = ConnectionBalance.Table.create(this.directory.resolve("connections"));
		ConnectionBalance busy = ConnectionBalance.open(table.file(), table.allocate());
		ConnectionBalance idle = ConnectionBalance.open(table.file(), table.allocate());
		busy.publish(5);
		idle.publish(1);
		assertThat(busy.awaitTurn(() -> 5, () -> true)).isTrue();
		assertThat(idle.awaitTurn(() -> 1, () -> true)).isFalse();
		// One above the least loaded is within the share.
		assertThat(busy.awaitTurn(() -> 2, () -> true)).isFalse();
	}

	@Test
	void aWaitThatRanOutIsNotRepeatedUntilAnotherWorkersCountMoves() throws Exception {
		ConnectionBalance.Table table = ConnectionBalance.Table.create(this.directory.resolve("connections"));
		ConnectionBalance busy = ConnectionBalance.open(table.file(), table.allocate());
		ConnectionBalance stuck = ConnectionBalance.open(table.file(), table.allocate());
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
	void workersThatTakeNoConnectionsAreLeftOut() throws Exception {
		ConnectionBalance.Table table = ConnectionBalance.Table.create(this.directory.resolve("connections"));
		ConnectionBalance busy = ConnectionBalance.open(table.file(), table.allocate());
		ConnectionBalance draining = ConnectionBalance.open(table.file(), table.allocate());
		int killedSlot = table.allocate();
		ConnectionBalance killed = ConnectionBalance.open(table.file(), killedSlot);
		ConnectionBalance starting = ConnectionBalance.open(table.file(), table.allocate());
		busy.publish(9);
		draining.publish(1);
		killed.publish(1);
		draining.withdraw();
		draining.publish(1);
		table.release(killedSlot);
		assertThat(starting).isNotNull();
		assertThat(busy.awaitTurn(() -> 9, () -> true)).isFalse();
		// The slot of a process that ended is handed out again.
		assertThat(table.allocate()).isEqualTo(killedSlot);
	}

	@Test
	void anAcceptorThatStopsWantingToAcceptStopsWaiting() throws Exception {
		ConnectionBalance.Table table = ConnectionBalance.Table.create(this.directory.resolve("connections"));
		ConnectionBalance busy = ConnectionBalance.open(table.file(), table.allocate());
		ConnectionBalance.open(table.file(), table.allocate()).publish(1);
		busy.publish(5);
		assertThat(busy.awaitTurn(() -> 5, () -> false)).isFalse();
	}

	@Test
	void slotsAreBounded() throws Exception {
		ConnectionBalance.Table table = ConnectionBalance.Table.create(this.directory.resolve("connections"));
		for (int i = 0; i < ConnectionBalance.SLOTS; i++) {
			assertThat(table.allocate()).isEqualTo(i);
		}
		assertThat(table.allocate()).isEqualTo(-1);
		assertThatIllegalArgumentException().isThrownBy(() -> ConnectionBalance.open(table.file(), 256))
			.withMessage("No slot 256 in a table of 256");
	}

}
