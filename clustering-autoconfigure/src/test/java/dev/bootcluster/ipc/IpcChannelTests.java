package dev.bootcluster.ipc;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The primary's and a worker's ends of the channel over a real Unix domain socket.
 */
class IpcChannelTests {

	private final List<String> received = new CopyOnWriteArrayList<>();

	@Test
	void aWorkerWithTheSecretIsHeardAndNoticesWhenThePrimaryGoes() throws IOException {
		IpcServer server = IpcServer.open()
			.start((id, pid, message) -> this.received.add(id + "/" + pid + "/" + message.type()));
		AtomicBoolean primaryGone = new AtomicBoolean();
		IpcClient client = IpcClient.connect(server.getSocketPath(), hello(server.getSecret()), (message) -> {
		}, () -> primaryGone.set(true));
		client.send(IpcMessage.of(IpcMessage.Type.READY).build());
		await().until(() -> this.received.size() == 2);
		assertThat(this.received).containsExactly("2/42/HELLO", "2/42/READY");
		assertThat(server.getSocketPath().getParent()).isDirectory();
		server.close();
		await().untilTrue(primaryGone);
		assertThat(server.getSocketPath().getParent()).doesNotExist();
		client.close();
	}

	@Test
	void aConnectionWithoutTheSecretIsDropped() throws IOException {
		try (IpcServer server = IpcServer.open()
			.start((id, pid, message) -> this.received.add(message.type().name()))) {
			AtomicBoolean dropped = new AtomicBoolean();
			IpcClient client = IpcClient.connect(server.getSocketPath(), hello("not-the-secret"), (message) -> {
			}, () -> dropped.set(true));
			await().untilTrue(dropped);
			assertThat(this.received).isEmpty();
			client.close();
		}
	}

	private static IpcMessage hello(String secret) {
		return IpcMessage.of(IpcMessage.Type.HELLO).with("secret", secret).with("worker-id", 2).with("pid", 42).build();
	}

}
