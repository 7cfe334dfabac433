package dev.bootcluster.ipc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The primary's and a worker's ends of the channel over a real Unix domain socket.
 */
class IpcChannelTests {

	private final List<String> received = new CopyOnWriteArrayList<>();

	@TempDir
	Path temp;

	@Test
	void aWorkerWithTheSecretIsHeardAndNoticesWhenThePrimaryGoes() throws IOException {
		IpcServer server = IpcServer.open(this.temp)
			.start((id, pid, message) -> this.received.add(id + "/" + pid + "/" + message.getClass().getSimpleName()));
		AtomicBoolean primaryGone = new AtomicBoolean();
		List<ClusterMessage> toWorker = new CopyOnWriteArrayList<>();
		IpcClient client = IpcClient.connect(server.getSocketPath(), hello(server.getSecret(), 1), toWorker::add,
				() -> primaryGone.set(true));
		client.send(new ClusterMessage.Ready());
		await().until(() -> this.received.size() == 2);
		assertThat(this.received).containsExactly("2/42/Hello", "2/42/Ready");
		assertThat(server.send(42, new ClusterMessage.Refused(7, "no"))).isTrue();
		await().until(() -> toWorker.size() == 1);
		assertThat(toWorker).containsExactly(new ClusterMessage.Refused(7, "no"));
		assertThat(server.getSocketPath().getParent()).isDirectory();
		server.close();
		await().untilTrue(primaryGone);
		assertThat(server.getSocketPath().getParent()).doesNotExist();
		client.close();
	}

	@Test
	void aConnectionWithoutTheSecretOrWithAnotherProtocolVersionIsDropped() throws IOException {
		try (IpcServer server = IpcServer.open(this.temp)
			.start((id, pid, message) -> this.received.add(message.getClass().getSimpleName()))) {
			for (ClusterMessage.Hello hello : List.of(hello("not-the-secret", 1), hello(server.getSecret(), 2))) {
				AtomicBoolean dropped = new AtomicBoolean();
				IpcClient client = IpcClient.connect(server.getSocketPath(), hello, (message) -> {
				}, () -> dropped.set(true));
				await().untilTrue(dropped);
				client.close();
			}
			assertThat(this.received).isEmpty();
		}
	}

	private static ClusterMessage.Hello hello(String secret, int protocol) {
		return new ClusterMessage.Hello(protocol, secret, 2, 42);
	}

}
