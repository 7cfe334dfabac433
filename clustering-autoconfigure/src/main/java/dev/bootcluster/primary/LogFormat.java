package dev.bootcluster.primary;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How the primary's log lines write a duration: seconds with one decimal, as in
 * {@code worker 2 (pid 4711) ready in 1.9 s}.
 */
final class LogFormat {

	private LogFormat() {
	}

	static String seconds(Duration duration) {
		return String.format("%.1f s", duration.toMillis() / 1000.0);
	}

	static String seconds(@Nullable Long millis) {
		return (millis != null) ? seconds(Duration.ofMillis(millis)) : "-";
	}

}
