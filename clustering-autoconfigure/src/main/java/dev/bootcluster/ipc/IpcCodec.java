package dev.bootcluster.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frames {@link IpcMessage}s on a stream: a 4-byte length, then UTF-8 text with the type
 * on the first line and one {@code name=value} attribute per line, with backslash, line
 * feed and carriage return escaped.
 */
public final class IpcCodec {

	/** Frames larger than this are refused, so a confused peer cannot exhaust memory. */
	public static final int MAX_FRAME_BYTES = 1 << 20;

	private IpcCodec() {
	}

	/**
	 * Write one message. Channels are used directly rather than through streams: a stream
	 * over a blocking channel holds a lock for the whole of a read, which would stop the
	 * other direction.
	 * @param message the message
	 * @param channel the channel
	 * @throws IOException when the channel fails
	 */
	public static void write(IpcMessage message, WritableByteChannel channel) throws IOException {
		byte[] body = encode(message);
		ByteBuffer frame = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).flip();
		synchronized (channel) {
			while (frame.hasRemaining()) {
				channel.write(frame);
			}
		}
	}

	/**
	 * Read the next message.
	 * @param channel the channel
	 * @return the message
	 * @throws EOFException when the peer closed the channel
	 * @throws IOException when the channel fails or the frame is not a valid message
	 */
	public static IpcMessage read(ReadableByteChannel channel) throws IOException {
		int length = readFully(channel, ByteBuffer.allocate(4)).getInt();
		if (length < 0 || length > MAX_FRAME_BYTES) {
			throw new IOException("Invalid IPC frame length " + length);
		}
		return decode(readFully(channel, ByteBuffer.allocate(length)).array());
	}

	private static ByteBuffer readFully(ReadableByteChannel channel, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			if (channel.read(buffer) < 0) {
				throw new EOFException();
			}
		}
		return buffer.flip();
	}

	static byte[] encode(IpcMessage message) {
		StringBuilder text = new StringBuilder(message.type().name());
		message.attributes()
			.forEach((name, value) -> text.append('\n').append(escape(name)).append('=').append(escape(value)));
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

	static IpcMessage decode(byte[] body) throws IOException {
		String[] lines = new String(body, StandardCharsets.UTF_8).split("\n", -1);
		IpcMessage.Type type;
		try {
			type = IpcMessage.Type.valueOf(lines[0]);
		}
		catch (IllegalArgumentException ex) {
			throw new IOException("Unknown IPC message type '" + lines[0] + "'");
		}
		Map<String, String> attributes = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int equals = lines[i].indexOf('=');
			if (equals < 0) {
				throw new IOException("Malformed IPC attribute '" + lines[i] + "'");
			}
			attributes.put(unescape(lines[i].substring(0, equals)), unescape(lines[i].substring(equals + 1)));
		}
		return new IpcMessage(type, attributes);
	}

	private static String escape(String value) {
		StringBuilder escaped = new StringBuilder(value.length());
		for (char c : value.toCharArray()) {
			switch (c) {
				case '\\' -> escaped.append("\\\\");
				case '\n' -> escaped.append("\\n");
				case '\r' -> escaped.append("\\r");
				case '=' -> escaped.append("\\e");
				default -> escaped.append(c);
			}
		}
		return escaped.toString();
	}

	private static String unescape(String value) throws IOException {
		StringBuilder plain = new StringBuilder(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c != '\\') {
				plain.append(c);
				continue;
			}
			if (++i == value.length()) {
				throw new IOException("Dangling escape in IPC attribute");
			}
			switch (value.charAt(i)) {
				case '\\' -> plain.append('\\');
				case 'n' -> plain.append('\n');
				case 'r' -> plain.append('\r');
				case 'e' -> plain.append('=');
				default -> throw new IOException("Unknown escape in IPC attribute");
			}
		}
		return plain.toString();
	}

}
