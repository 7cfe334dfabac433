package dev.bootcluster.ipc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class IpcCodecTests {

	@Test
	void messagesSurviveTheRoundTripWithAwkwardValues() throws IOException {
		IpcMessage message = IpcMessage.of(IpcMessage.Type.HEARTBEAT)
			.with("error", "line one\nline two\r\\ a=b")
			.with("worker-id", 3)
			.with("empty", "")
			.build();
		assertThat(IpcCodec.decode(IpcCodec.encode(message))).isEqualTo(message);
	}

	@Test
	void unknownTypesAndMalformedAttributesAreRejected() {
		assertThatIOException().isThrownBy(() -> IpcCodec.decode("SHOUT".getBytes(StandardCharsets.UTF_8)))
			.withMessageContaining("Unknown IPC message type 'SHOUT'");
		assertThatIOException().isThrownBy(() -> IpcCodec.decode("READY\nnoequals".getBytes(StandardCharsets.UTF_8)))
			.withMessageContaining("Malformed IPC attribute");
	}

}
