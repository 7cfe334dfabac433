package dev.bootcluster.primary;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The management port's proxy, between real loopback sockets: a client connects to it,
 * and small servers play the workers' management ports.
 */
class ManagementProxyTests {

	private static final String REQUEST = "GET /actuator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

	private final List<FakeWorker> workers = new ArrayList<>();

	private ManagementProxy proxy;

	@AfterEach
	void close() throws IOException {
		if (this.proxy != null) {
			this.proxy.close();
		}
		for (FakeWorker worker : this.workers) {
			worker.close();
		}
	}

	@Test
	void connectionsGoToTheReadyWorkersInTurn() throws IOException {
		FakeWorker first = worker(Behaviour.ANSWER);
		FakeWorker second = worker(Behaviour.ANSWER);
		startProxy(Duration.ofSeconds(5), first, second);
		List<String> answers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			answers.add(exchange(REQUEST, false));
		}
		assertThat(answers).containsExactlyInAnyOrder("answered by " + first.port(), "answered by " + second.port(),
				"answered by " + first.port(), "answered by " + second.port());
		assertThat(first.received()).containsExactly(REQUEST, REQUEST);
	}

	@Test
	void aRequestWhoseWorkerDiesBeforeAnsweringIsSentToAnotherWorker() throws IOException {
		FakeWorker dying = worker(Behaviour.DIE_BEFORE_ANSWERING);
		FakeWorker healthy = worker(Behaviour.ANSWER);
		startProxy(Duration.ofSeconds(5), dying, healthy);
		for (int i = 0; i < 2; i++) {
			assertThat(exchange(REQUEST, false)).isEqualTo("answered by " + healthy.port());
		}
		// Each went to the dying worker first (its turn came twice), then to the other.
		assertThat(dying.received()).containsExactly(REQUEST, REQUEST);
		assertThat(healthy.received()).containsExactly(REQUEST, REQUEST);
	}

	@Test
	void aWorkerThatDiesHalfWayThroughAnAnswerIsNotAskedAgain() throws IOException {
		FakeWorker dying = worker(Behaviour.DIE_WHILE_ANSWERING);
		startProxy(Duration.ofSeconds(5), dying);
		assertThat(exchange(REQUEST, false)).isEqualTo("answ");
		assertThat(dying.received()).containsExactly(REQUEST);
	}

	@Test
	void aGetWaitingOnAWorkerThatFellSilentIsSentToAnotherWorker() throws Exception {
		FakeWorker frozen = worker(Behaviour.NEVER_ANSWER);
		FakeWorker healthy = worker(Behaviour.ANSWER);
		startProxy(Duration.ofSeconds(5), frozen);
		try (Socket client = connect()) {
			client.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
			await().until(() -> frozen.received().size() == 1);
			this.proxy.targets(new ManagementProxy.Targets(List.of(healthy.port()), Set.of(frozen.port())));
			assertThat(readAll(client.getInputStream())).isEqualTo("answered by " + healthy.port());
		}
	}

	@Test
	void aPostWaitingOnAWorkerThatFellSilentStaysWithIt() throws Exception {
		FakeWorker frozen = worker(Behaviour.NEVER_ANSWER);
		FakeWorker healthy = worker(Behaviour.ANSWER);
		startProxy(Duration.ofSeconds(5), frozen);
		try (Socket client = connect()) {
			String post = "POST /actuator/cluster/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
			client.getOutputStream().write(post.getBytes(StandardCharsets.US_ASCII));
			await().until(() -> frozen.received().size() == 1);
			this.proxy.targets(new ManagementProxy.Targets(List.of(healthy.port()), Set.of(frozen.port())));
			client.setSoTimeout(1000);
			// The frozen worker may still run it when it thaws: it is not repeated.
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> client.getInputStream().read());
			assertThat(healthy.received()).isEmpty();
		}
	}

	@Test
	void aClientThatHalfClosesStillGetsItsAnswer() throws IOException {
		FakeWorker worker = worker(Behaviour.ANSWER_AT_END_OF_REQUEST);
		startProxy(Duration.ofSeconds(5), worker);
		assertThat(exchange(REQUEST, true)).isEqualTo("answered by " + worker.port());
	}

	@Test
	void aConnectionWaitsForAWorkerToBecomeReady() throws Exception {
		FakeWorker late = worker(Behaviour.ANSWER);
		startProxy(Duration.ofSeconds(20));
		try (Socket client = connect()) {
			client.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
			this.proxy.targets(new ManagementProxy.Targets(List.of(late.port()), Set.of()));
			assertThat(readAll(client.getInputStream())).isEqualTo("answered by " + late.port());
		}
	}

	@Test
	void aConnectionNoWorkerTakesInTimeIsClosed() throws IOException {
		startProxy(Duration.ofMillis(300));
		assertThat(exchange(REQUEST, false)).isEmpty();
	}

	private FakeWorker worker(Behaviour behaviour) throws IOException {
		FakeWorker worker = new FakeWorker(behaviour);
		this.workers.add(worker);
		return worker;
	}

	private void startProxy(Duration waitForWorker, FakeWorker... targets) throws IOException {
		ServerSocketChannel listener = ServerSocketChannel.open();
		listener.bind(new InetSocketAddress("127.0.0.1", 0));
		this.proxy = new ManagementProxy(listener, waitForWorker);
		this.proxy
			.targets(new ManagementProxy.Targets(List.of(targets).stream().map(FakeWorker::port).toList(), Set.of()));
		this.proxy.start();
	}

	private Socket connect() throws IOException {
		Socket client = new Socket("127.0.0.1", this.proxy.port());
		client.setSoTimeout(10_000);
		return client;
	}

	private String exchange(String request, boolean halfClose) throws IOException {
		try (Socket client = connect()) {
			client.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
			if (halfClose) {
				client.shutdownOutput();
			}
			return readAll(client.getInputStream());
		}
	}

	private static String readAll(InputStream in) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			in.transferTo(out);
		}
		catch (IOException ex) {
			// Reset: what arrived before counts.
		}
		return out.toString(StandardCharsets.US_ASCII);
	}

	enum Behaviour {

		/** Read the request up to its blank line, answer and close. */
		ANSWER,

		/** Read until the client half-closes, then answer. */
		ANSWER_AT_END_OF_REQUEST,

		/** Read the request and close without a byte of answer, as a killed worker. */
		DIE_BEFORE_ANSWERING,

		/** Send part of the answer, then close. */
		DIE_WHILE_ANSWERING,

		/** Read the request and wait until the connection closes, as a frozen worker. */
		NEVER_ANSWER

	}

	/**
	 * A worker's management port: one thread serving one connection at a time.
	 */
	static final class FakeWorker implements AutoCloseable {

		private final ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());

		private final List<String> received = new CopyOnWriteArrayList<>();

		FakeWorker(Behaviour behaviour) throws IOException {
			Thread thread = new Thread(() -> serve(behaviour), "fake-worker-" + port());
			thread.setDaemon(true);
			thread.start();
		}

		int port() {
			return this.server.getLocalPort();
		}

		List<String> received() {
			return this.received;
		}

		private void serve(Behaviour behaviour) {
			while (!this.server.isClosed()) {
				try (Socket connection = this.server.accept()) {
					connection.setSoTimeout(10_000);
					String request = (behaviour == Behaviour.ANSWER_AT_END_OF_REQUEST)
							? readAll(connection.getInputStream()) : readHead(connection.getInputStream());
					this.received.add(request);
					if (behaviour == Behaviour.NEVER_ANSWER) {
						connection.setSoTimeout(0);
						connection.getInputStream().transferTo(OutputStream.nullOutputStream());
						continue;
					}
					String answer = "answered by " + port();
					if (behaviour == Behaviour.DIE_WHILE_ANSWERING) {
						answer = answer.substring(0, 4);
					}
					if (behaviour != Behaviour.DIE_BEFORE_ANSWERING) {
						connection.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
					}
				}
				catch (IOException ex) {
					// Closed.
				}
			}
		}

		private static String readHead(InputStream in) throws IOException {
			StringBuilder head = new StringBuilder();
			for (int c = in.read(); c >= 0; c = in.read()) {
				head.append((char) c);
				if (head.toString().endsWith("\r\n\r\n")) {
					break;
				}
			}
			return head.toString();
		}

		@Override
		public void close() throws IOException {
			this.server.close();
		}

	}

	@Test
	void onlyAGetOrHeadOtherThanAHeapDumpIsRepeatedOnAnotherWorker() {
		assertThat(ManagementForwarding.isRepeatable("GET /actuator/prometheus HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()))
			.isTrue();
		assertThat(ManagementForwarding.isRepeatable("HEAD /actuator/health HTTP/1.1\r\n\r\n".getBytes())).isTrue();
		assertThat(ManagementForwarding.isRepeatable("POST /actuator/cluster/reload HTTP/1.1\r\n\r\n".getBytes()))
			.isFalse();
		assertThat(ManagementForwarding.isRepeatable("GET /actuator/heapdump HTTP/1.1\r\n\r\n".getBytes())).isFalse();
	}

}
