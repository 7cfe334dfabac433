package dev.bootcluster.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.convert.DurationStyle;

/**
 * Configuration properties for running the application as a cluster of worker JVMs.
 *
 * @see InstanceCount
 */
@ConfigurationProperties("app.cluster")
public class ClusterProperties {

	/** The largest {@code max-instances} accepted. */
	public static final int MAX_INSTANCES_LIMIT = 256;

	/** The largest {@code worker.warmup.requests} accepted. */
	public static final int MAX_WARMUP_REQUESTS = 10_000;

	/**
	 * Whether cluster mode may be used. When false the application runs as one plain JVM
	 * whatever 'instances' says.
	 */
	private boolean enabled = true;

	/**
	 * Number of worker JVMs: 'max' (all cores this JVM sees, container-aware), a positive
	 * number, or '-N' for all cores but N (at least 1). Unset runs one plain JVM.
	 */
	private @Nullable String instances;

	/**
	 * How long a worker may take to report that it accepts traffic before it is killed
	 * and counted as a failure.
	 */
	private Duration startupTimeout = Duration.ofSeconds(60);

	/**
	 * How long a stopping worker may drain in-flight requests before it is killed.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(30);

	/**
	 * Most workers the cluster may have, at startup and when scaled at runtime (at most
	 * 256). Unset: 4 per core and one per 256 MB of the memory this JVM sees, whichever
	 * is lower.
	 */
	private @Nullable Integer maxInstances;

	private final Restart restart = new Restart();

	private final Worker worker = new Worker();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getInstances() {
		return this.instances;
	}

	public void setInstances(@Nullable String instances) {
		this.instances = instances;
	}

	public Duration getStartupTimeout() {
		return this.startupTimeout;
	}

	public void setStartupTimeout(Duration startupTimeout) {
		this.startupTimeout = startupTimeout;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public @Nullable Integer getMaxInstances() {
		return this.maxInstances;
	}

	public void setMaxInstances(@Nullable Integer maxInstances) {
		this.maxInstances = maxInstances;
	}

	public Restart getRestart() {
		return this.restart;
	}

	public Worker getWorker() {
		return this.worker;
	}

	/**
	 * Whether this configuration asks for a primary with workers.
	 * @return true when enabled and 'instances' is set
	 */
	public boolean isClusterRequested() {
		return this.enabled && this.instances != null;
	}

	/**
	 * Check every value, failing on the first one that is out of range.
	 * @throws InvalidConfigurationPropertyValueException naming the property, its value
	 * and what is accepted
	 */
	public void validate() {
		if (this.instances != null) {
			try {
				InstanceCount.parse(this.instances);
			}
			catch (IllegalArgumentException ex) {
				throw invalid("app.cluster.instances", this.instances, ex.getMessage());
			}
		}
		if (this.maxInstances != null && (this.maxInstances < 1 || this.maxInstances > MAX_INSTANCES_LIMIT)) {
			throw invalid("app.cluster.max-instances", this.maxInstances,
					"a whole number from 1 to " + MAX_INSTANCES_LIMIT);
		}
		requirePositive("app.cluster.startup-timeout", this.startupTimeout);
		requirePositive("app.cluster.shutdown-timeout", this.shutdownTimeout);
		requirePositive("app.cluster.restart.initial-backoff", this.restart.initialBackoff);
		requirePositive("app.cluster.restart.max-backoff", this.restart.maxBackoff);
		requirePositive("app.cluster.restart.window", this.restart.window);
		if (this.restart.stableUptime.isNegative()) {
			throw invalid("app.cluster.restart.stable-uptime", this.restart.stableUptime,
					"a duration of zero or more, such as 30s");
		}
		if (this.restart.maxBackoff.compareTo(this.restart.initialBackoff) < 0) {
			throw invalid("app.cluster.restart.max-backoff", this.restart.maxBackoff,
					"a duration no shorter than app.cluster.restart.initial-backoff ("
							+ display(this.restart.initialBackoff) + ")");
		}
		if (!(this.restart.multiplier >= 1.0) || Double.isInfinite(this.restart.multiplier)) {
			throw invalid("app.cluster.restart.multiplier", this.restart.multiplier,
					"a finite number of at least 1.0, such as 2");
		}
		if (this.restart.maxAttempts < 1) {
			throw invalid("app.cluster.restart.max-attempts", this.restart.maxAttempts, "a whole number of at least 1");
		}
		Warmup warmup = this.worker.warmup;
		for (int i = 0; i < warmup.paths.size(); i++) {
			String path = warmup.paths.get(i);
			if (path == null || !path.startsWith("/") || path.chars().anyMatch(Character::isWhitespace)) {
				throw invalid("app.cluster.worker.warmup.paths[" + i + "]", path,
						"a path starting with /, without spaces, such as /api/items?page=1");
			}
		}
		if (warmup.requests < 1 || warmup.requests > MAX_WARMUP_REQUESTS) {
			throw invalid("app.cluster.worker.warmup.requests", warmup.requests,
					"a whole number from 1 to " + MAX_WARMUP_REQUESTS);
		}
		requirePositive("app.cluster.worker.warmup.timeout", warmup.timeout);
	}

	private static void requirePositive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw invalid(name, value, "a positive duration, such as 500ms, 30s or 2m");
		}
	}

	/**
	 * The exception Spring Boot reports a bad property value with: its failure analyzer
	 * shows the value as the user wrote it and where it came from.
	 * @param name the property
	 * @param value the bound value
	 * @param accepted what the property accepts, such as {@code a whole number}
	 * @return the exception
	 */
	static InvalidConfigurationPropertyValueException invalid(String name, @Nullable Object value, String accepted) {
		return new InvalidConfigurationPropertyValueException(name,
				(value instanceof Duration duration) ? display(duration) : value, "Expected " + accepted + ".");
	}

	private static String display(Duration duration) {
		if (duration.isZero()) {
			return "0s";
		}
		for (ChronoUnit unit : List.of(ChronoUnit.DAYS, ChronoUnit.HOURS, ChronoUnit.MINUTES, ChronoUnit.SECONDS,
				ChronoUnit.MILLIS)) {
			if (duration.toNanos() % unit.getDuration().toNanos() == 0) {
				return DurationStyle.SIMPLE.print(duration, unit);
			}
		}
		return DurationStyle.SIMPLE.print(duration, ChronoUnit.NANOS);
	}

	/**
	 * How crashed workers are restarted.
	 */
	public static class Restart {

		/**
		 * Delay before the first restart of a crashed worker.
		 */
		private Duration initialBackoff = Duration.ofSeconds(1);

		/**
		 * Longest delay between restarts of the same worker.
		 */
		private Duration maxBackoff = Duration.ofSeconds(30);

		/**
		 * Factor applied to the delay after each consecutive failure.
		 */
		private double multiplier = 2.0;

		/**
		 * Uptime after which a worker counts as stable: its delay goes back to the
		 * initial backoff.
		 */
		private Duration stableUptime = Duration.ofSeconds(30);

		/**
		 * Failures of one worker within 'window' after which the primary gives up, stops
		 * every worker and exits with a non-zero code.
		 */
		private int maxAttempts = 5;

		/**
		 * Time window in which failures are counted against 'max-attempts'.
		 */
		private Duration window = Duration.ofMinutes(5);

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getStableUptime() {
			return this.stableUptime;
		}

		public void setStableUptime(Duration stableUptime) {
			this.stableUptime = stableUptime;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

	}

	/**
	 * How worker JVMs are launched.
	 */
	public static class Worker {

		/**
		 * Extra JVM options for every worker, added to the primary's own. An option that
		 * names a flag the primary already has (-Xmx, -XX:Name, -Dname) replaces it.
		 * Setting -XX:ActiveProcessorCount or a heap size here turns off the default
		 * sizing.
		 */
		private List<String> jvmArgs = new ArrayList<>();

		/**
		 * Whether each worker runs only on its own share of the primary's CPUs (Linux):
		 * worker i gets the allowed CPUs i*k to i*k+k-1, k being the cores per worker,
		 * and keeps them across restarts. 'auto' pins when the workers split every
		 * allowed CPU evenly (at least two workers, the default core sizing, no CPU quota
		 * below the allowed CPUs); 'on' always pins; 'off' never does. A pinned worker
		 * cannot borrow an idle CPU from another worker.
		 */
		private CpuAffinity cpuAffinity = CpuAffinity.AUTO;

		private final Warmup warmup = new Warmup();

		public List<String> getJvmArgs() {
			return this.jvmArgs;
		}

		public void setJvmArgs(List<String> jvmArgs) {
			this.jvmArgs = jvmArgs;
		}

		public CpuAffinity getCpuAffinity() {
			return this.cpuAffinity;
		}

		public void setCpuAffinity(CpuAffinity cpuAffinity) {
			this.cpuAffinity = cpuAffinity;
		}

		public Warmup getWarmup() {
			return this.warmup;
		}

	}

	/**
	 * Whether workers are pinned to CPUs of their own.
	 */
	public enum CpuAffinity {

		/**
		 * Pin when the workers split every CPU the primary may use evenly.
		 */
		AUTO,

		/**
		 * Always pin (also accepted as 'true').
		 */
		ON,

		/**
		 * Never pin (also accepted as 'false').
		 */
		OFF

	}

	/**
	 * What a new worker does before it takes connections from the shared port. It only
	 * starts accepting there once the application is ready (accepting traffic); with
	 * warm-up paths it first serves requests to itself on a private loopback connector,
	 * so that its first real clients do not pay for class loading and cold code.
	 */
	public static class Warmup {

		/**
		 * Paths (with optional query) requested with GET before the worker takes traffic,
		 * such as /api/items. Responses are discarded; any status is accepted. Empty: no
		 * warm-up requests.
		 */
		private List<String> paths = new ArrayList<>();

		/**
		 * How many times each path is requested (at most 10000).
		 */
		private int requests = 20;

		/**
		 * Upper bound for the whole warm-up; when it is reached the worker takes traffic
		 * anyway.
		 */
		private Duration timeout = Duration.ofSeconds(10);

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			this.paths = paths;
		}

		public int getRequests() {
			return this.requests;
		}

		public void setRequests(int requests) {
			this.requests = requests;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

}
