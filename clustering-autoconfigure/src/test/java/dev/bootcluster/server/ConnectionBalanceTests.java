package dev.bootcluster.server;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bootcluster.ipc.ConnectionTable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ConnectionBalanceTests {

	@TempDir
	Path directory;

	@Test
	void aWorkerHoldingMoreThanItsShareWaitsAndOneWithinItsShareDoesNot() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 0);
		ConnectionBalance idle = new ConnectionBalance(ConnectionTable.open(table.file()), 1);
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
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 0);
		ConnectionBalance stuck = new ConnectionBalance(ConnectionTable.open(table.file()), 1);
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
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionBalance busy = new ConnectionBalance(ConnectionTable.open(table.file()), 0);
		ConnectionBalance draining = new ConnectionBalance(ConnectionTable.open(table.file()), 1);
		ConnectionBalance killed = new ConnectionBalance(ConnectionTable.open(table.file()), 2);
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
		ConnectionBalance busy = new ConnectionBalance(table, 0);
		new ConnectionBalance(table, 1).publish(1);
		busy.publish(5);
		assertThat(busy.awaitTurn(() -> 5, () -> false)).isFalse();
	}

	@Test
	void slotsAreBounded() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		assertThatIllegalArgumentException().isThrownBy(() -> new ConnectionBalance(table, 256))
			.withMessage("No slot 256 in a table of 256");
	}

}
