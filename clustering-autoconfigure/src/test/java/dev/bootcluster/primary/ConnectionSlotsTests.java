package dev.bootcluster.primary;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.bootcluster.ipc.ConnectionTable;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionSlotsTests {

	@TempDir
	Path directory;

	@Test
	void theSlotOfAProcessThatEndedIsClearedAndHandedOutAgain() throws Exception {
		ConnectionTable table = ConnectionTable.create(this.directory.resolve("connections"));
		ConnectionSlots slots = new ConnectionSlots(table);
		assertThat(slots.allocate()).isZero();
		int killed = slots.allocate();
		ConnectionTable.open(table.file()).write(killed, 3);
		slots.release(killed);
		assertThat(table.held(killed)).isZero();
		assertThat(slots.allocate()).isEqualTo(killed);
	}

	@Test
	void slotsAreBounded() throws Exception {
		ConnectionSlots slots = new ConnectionSlots(ConnectionTable.create(this.directory.resolve("connections")));
		for (int i = 0; i < ConnectionTable.SLOTS; i++) {
			assertThat(slots.allocate()).isEqualTo(i);
		}
		assertThat(slots.allocate()).isEqualTo(-1);
	}

}
