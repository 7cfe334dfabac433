package dev.bootcluster.sample.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 client on a new loopback connection per request, so every request
 * passes through the listen queue the test is about.
 */
final class Http {

	private Http() {
	}

	record Response(int status, String body) {

	}

	static Response get(int port, String path) throws IOException {
		return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", false);
	}

	/**
	 * A GET with one more header, such as {@code Accept}.
	 */
	static Response get(int port, String path, String header) throws IOException {
		return exchange(port,
				"GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header + "\r\nConnection: close\r\n\r\n", false);
	}

	static Response post(int port, String path, String json) throws IOException {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		return exchange(port,
				"POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
						+ "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n" + json,
				false);
	}

	/**
	 * A POST with no body and no {@code Content-Type}, byte for byte as
	 * {@code curl -X POST localhost:<port><path>} sends it.
	 */
	static Response postWithoutBody(int port, String path) throws IOException {
		return exchange(port, "POST " + path + " HTTP/1.1\r\nHost: localhost:" + port
				+ "\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n", true);
	}

	/**
	 * Send a request and read the response until the server closes the connection.
	 * @param halfClose whether to end the request stream after sending, for a request
	 * without {@code Connection: close}: the server closes after its response then
	 */
	private static Response exchange(int port, String request, boolean halfClose) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(30_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.UTF_8));
			out.flush();
			if (halfClose) {
				socket.shutdownOutput();
			}
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			in.transferTo(received);
			String text = received.toString(StandardCharsets.UTF_8);
			if (!text.startsWith("HTTP/1.1 ")) {
				throw new IOException("No HTTP response (" + received.size() + " bytes)");
			}
			int status = Integer.parseInt(text.substring(9, 12));
			int bodyStart = text.indexOf("\r\n\r\n");
			return new Response(status, (bodyStart >= 0) ? text.substring(bodyStart + 4) : "");
		}
	}

}
