package dev.bootcluster.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Frames {@link ClusterMessage}s on a stream: a 4-byte length, then the message as one
 * UTF-8 JSON object whose {@code type} names the record.
 */
final class MessageCodec {

	private static final Log logger = LogFactory.getLog(MessageCodec.class);

	/** Frames larger than this are refused, so a confused peer cannot exhaust memory. */
	static final int MAX_FRAME_BYTES = 16 << 20;

	private static final JsonMapper JSON = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
		.disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
		.enable(EnumFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
		.build();

	private MessageCodec() {
	}

	/**
	 * Write one message. Channels are used directly rather than through streams: a stream
	 * over a blocking channel holds a lock for the whole of a read, which would stop the
	 * other direction.
	 * @param message the message
	 * @param channel the channel
	 * @throws IOException when the channel fails
	 */
	static void write(ClusterMessage message, WritableByteChannel channel) throws IOException {
		byte[] body = encode(message);
		ByteBuffer frame = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
		synchronized (channel) {
			while (frame.hasRemaining()) {
				channel.write(frame);
			}
		}
	}

	/**
	 * Read the next message. A frame that does not decode is skipped: the frames around
	 * it are intact, and one message of a peer that speaks a later version must not break
	 * the channel.
	 * @param channel the channel
	 * @return the message, or {@code null} for a frame this version cannot use
	 * @throws EOFException when the peer closed the channel
	 * @throws IOException when the channel fails or a frame's length is not valid
	 */
	static @Nullable ClusterMessage read(ReadableByteChannel channel) throws IOException {
		int length = readFully(channel, ByteBuffer.allocate(4)).getInt();
		if (length < 0 || length > MAX_FRAME_BYTES) {
			throw new IOException("Invalid IPC frame length " + length);
		}
		try {
			return decode(readFully(channel, ByteBuffer.allocate(length)).array());
		}
		catch (IOException ex) {
			logger.warn("Skipped an IPC frame: " + ex.getMessage());
			return null;
		}
	}

	private static ByteBuffer readFully(ReadableByteChannel channel, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			if (channel.read(buffer) < 0) {
				throw new EOFException();
			}
		}
		return buffer.flip();
	}

	static byte[] encode(ClusterMessage message) {
		return JSON.writerFor(ClusterMessage.class).writeValueAsBytes(message);
	}

	static @Nullable ClusterMessage decode(byte[] json) throws IOException {
		try {
			return JSON.readValue(json, ClusterMessage.class);
		}
		catch (JacksonException ex) {
			throw new IOException("Not a cluster message: " + ex.getOriginalMessage(), ex);
		}
	}

}
