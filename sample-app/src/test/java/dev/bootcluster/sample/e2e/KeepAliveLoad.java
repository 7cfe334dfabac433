package dev.bootcluster.sample.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Steady load over keep-alive connections (the JDK's HttpClient, one connection per
 * thread), bounded in requests and time, counting every request that did not get a 200.
 */
final class KeepAliveLoad extends BoundedLoad {

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	KeepAliveLoad(int port, String path, int threads, int maxRequests, Duration maxDuration) {
		super(maxRequests, maxDuration);
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build();
		start(threads, "keep-alive-load", () -> send(request));
	}

	private void send(HttpRequest request) {
		try {
			HttpResponse<String> response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() == 200) {
				succeededOne();
			}
			else {
				failed("HTTP " + response.statusCode());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			halt();
		}
		catch (Exception ex) {
			failed(ex.toString());
		}
	}

	/**
	 * Stop sending and wait for the requests in flight.
	 * @return this
	 */
	KeepAliveLoad stop() {
		stopAndJoin();
		return this;
	}

}
