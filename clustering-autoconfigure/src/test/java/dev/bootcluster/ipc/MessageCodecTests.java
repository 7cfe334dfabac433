package dev.bootcluster.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class MessageCodecTests {

	private static final Instant STARTED = Instant.parse("2026-11-29T01:02:03.456Z");

	@Test
	void everyMessageSurvivesTheRoundTrip() throws IOException {
		ClusterStatus.Worker worker = new ClusterStatus.Worker(1, 4712, WorkerState.READY, STARTED, 1500, 2,
				new ClusterStatus.Exit(137, "SIGKILL", ExitReason.KILLED), 10, 20, 30, 40);
		ClusterStatus.Reload reload = new ClusterStatus.Reload("3", ReloadState.FAILED, STARTED, null,
				"line one\nline \"two\" \\ a=b", List.of(new ClusterStatus.Step(1, 4711, 4712L, 900L, null)));
		ClusterStatus status = new ClusterStatus(4700, STARTED, 99, 1 << 20, 2, 1, 8080, null,
				PortSharing.INHERITED_SOCKET, List.of(worker), reload);
		List<ClusterMessage> messages = List.of(new ClusterMessage.Hello(1, "secret", 3, 4711),
				new ClusterMessage.Ready(), new ClusterMessage.Stopping(),
				new ClusterMessage.Heartbeat(1, 2, 3, 4, 5, 6), new ClusterMessage.StatusRequest(5),
				new ClusterMessage.ReloadRequest(6), new ClusterMessage.ScaleRequest(7, "-1"),
				new ClusterMessage.StatusReply(8, status), new ClusterMessage.ReloadReply(9, "3", true),
				new ClusterMessage.ScaleReply(10, 2, 3), new ClusterMessage.Refused(11, "Invalid value 'abc'"),
				new ClusterMessage.Leadership(3, true), new ClusterMessage.LeadershipReleased(3),
				new ClusterMessage.StopAccepting(), new ClusterMessage.MetricsRequest(12, MetricsFormat.OPENMETRICS),
				new ClusterMessage.MetricsReply(12, "up{worker=\"0\"} 1\n"),
				new ClusterMessage.ScrapeRequest(4, MetricsFormat.TEXT), new ClusterMessage.ScrapeReply(4, "up 1\n"),
				new ClusterMessage.Ready(45123));
		for (ClusterMessage message : messages) {
			assertThat(MessageCodec.decode(MessageCodec.encode(message))).isEqualTo(message);
		}
		assertThat(messages.stream().map(Object::getClass).distinct()).as("every message type")
			.containsExactlyInAnyOrderElementsOf(leaves(ClusterMessage.class));
	}

	private static List<Class<?>> leaves(Class<?> type) {
		if (!type.isSealed()) {
			return List.of(type);
		}
		return Arrays.stream(type.getPermittedSubclasses()).flatMap((subtype) -> leaves(subtype).stream()).toList();
	}

	@Test
	void messagesAreJsonObjectsNamedByTheirType() {
		assertThat(
				new String(MessageCodec.encode(new ClusterMessage.Heartbeat(1, 2, 3, 4, 5, 6)), StandardCharsets.UTF_8))
			.isEqualTo("{\"type\":\"heartbeat\",\"heapUsedBytes\":1,\"heapMaxBytes\":2,\"residentBytes\":3,"
					+ "\"requests\":4,\"busyThreads\":5,\"maxThreads\":6}");
	}

	@Test
	void aMessageFromAnotherVersionStillDecodes() throws IOException {
		// An older worker sent no 'requests'; a newer one sends a field this one lacks.
		assertThat(decode("{\"type\":\"heartbeat\",\"heapUsedBytes\":1,\"heapMaxBytes\":2,\"residentBytes\":3}"))
			.isEqualTo(new ClusterMessage.Heartbeat(1, 2, 3, 0, 0, 0));
		assertThat(decode("{\"type\":\"ready\",\"warmupMillis\":1200}")).isEqualTo(new ClusterMessage.Ready());
		assertThat(decode("{\"type\":\"scale-reply\",\"id\":4,\"from\":2,\"to\":3,\"reason\":\"memory\"}"))
			.isEqualTo(new ClusterMessage.ScaleReply(4, 2, 3));
	}

	@Test
	void aMessageOfATypeThisVersionDoesNotKnowIsSkipped() throws IOException {
		assertThat(decode("{\"type\":\"thread-dump\",\"id\":1}")).isNull();
		assertThat(decode("{\"id\":1}")).isNull();
	}

	@Test
	void aFrameThatDoesNotDecodeIsSkippedAndTheNextOneIsRead() throws IOException {
		Pipe pipe = Pipe.open();
		byte[] bad = "{\"type\":\"heartbeat\",\"requests\":\"many\"}".getBytes(StandardCharsets.UTF_8);
		pipe.sink().write(ByteBuffer.allocate(4 + bad.length).putInt(bad.length).put(bad).flip());
		MessageCodec.write(new ClusterMessage.Ready(), pipe.sink());
		assertThat(MessageCodec.read(pipe.source())).isNull();
		assertThat(MessageCodec.read(pipe.source())).isEqualTo(new ClusterMessage.Ready());
	}

	@Test
	void aStateThisVersionDoesNotKnowDecodesAsNull() throws IOException {
		ClusterMessage.StatusReply reply = (ClusterMessage.StatusReply) decode("{\"type\":\"status-reply\",\"id\":1,"
				+ "\"status\":{\"workers\":[{\"id\":0,\"state\":\"hibernating\"}]}}");
		assertThat(reply.status().workers()).singleElement().satisfies((worker) -> assertThat(worker.state()).isNull());
	}

	@Test
	void aFrameThatIsNotAMessageIsRejected() {
		assertThatIOException().isThrownBy(() -> decode("not json")).withMessageContaining("Not a cluster message");
		assertThatIOException().isThrownBy(() -> decode("{\"type\":\"heartbeat\",\"requests\":\"many\"}"))
			.withMessageContaining("Not a cluster message");
	}

	private static ClusterMessage decode(String json) throws IOException {
		return MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8));
	}

}
