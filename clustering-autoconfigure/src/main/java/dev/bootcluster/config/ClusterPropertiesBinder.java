package dev.bootcluster.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.env.Environment;

/**
 * Binds {@link ClusterProperties} straight from the {@link Environment} and checks every
 * value, the one place they are checked: at the launch hook that decides whether this JVM
 * is a primary, a worker or a plain application, before any application context exists.
 */
public final class ClusterPropertiesBinder {

	private ClusterPropertiesBinder() {
	}

	/**
	 * Bind {@code app.cluster.*} and validate every value.
	 * @param environment the environment with every Spring Boot property source
	 * @return the properties
	 * @throws InvalidConfigurationPropertyValueException naming the first bad property,
	 * its value and what it accepts
	 */
	public static ClusterProperties bind(Environment environment) {
		ClusterProperties properties = new ClusterProperties();
		try {
			Binder.get(environment).bind("app.cluster", Bindable.ofInstance(properties));
		}
		catch (BindException ex) {
			throw describe(ex);
		}
		validate(properties);
		return properties;
	}

	/**
	 * Check every value, failing on the first one that is out of range.
	 * @throws InvalidConfigurationPropertyValueException naming the property, its value
	 * and what is accepted
	 */
	private static void validate(ClusterProperties properties) {
		ClusterProperties.Restart restart = properties.getRestart();
		ClusterProperties.Worker worker = properties.getWorker();
		if (properties.getInstances() != null) {
			try {
				InstanceCount.parse(properties.getInstances());
			}
			catch (IllegalArgumentException ex) {
				throw invalid("app.cluster.instances", properties.getInstances(), ex.getMessage());
			}
		}
		if (properties.getMaxInstances() != null && (properties.getMaxInstances() < 1
				|| properties.getMaxInstances() > ClusterProperties.MAX_INSTANCES_LIMIT)) {
			throw invalid("app.cluster.max-instances", properties.getMaxInstances(),
					"a whole number from 1 to " + ClusterProperties.MAX_INSTANCES_LIMIT);
		}
		requirePositive("app.cluster.startup-timeout", properties.getStartupTimeout());
		requirePositive("app.cluster.shutdown-timeout", properties.getShutdownTimeout());
		requirePositive("app.cluster.restart.initial-backoff", restart.getInitialBackoff());
		requirePositive("app.cluster.restart.max-backoff", restart.getMaxBackoff());
		requirePositive("app.cluster.restart.window", restart.getWindow());
		if (restart.getMinReadyTime().isNegative()) {
			throw invalid("app.cluster.restart.min-ready-time", restart.getMinReadyTime(),
					"a duration of zero or more, such as 10s");
		}
		if (restart.getStableUptime().isNegative()) {
			throw invalid("app.cluster.restart.stable-uptime", restart.getStableUptime(),
					"a duration of zero or more, such as 30s");
		}
		if (restart.getMaxBackoff().compareTo(restart.getInitialBackoff()) < 0) {
			throw invalid("app.cluster.restart.max-backoff", restart.getMaxBackoff(),
					"a duration no shorter than app.cluster.restart.initial-backoff ("
							+ display(restart.getInitialBackoff()) + ")");
		}
		if (!(restart.getMultiplier() >= 1.0) || Double.isInfinite(restart.getMultiplier())) {
			throw invalid("app.cluster.restart.multiplier", restart.getMultiplier(),
					"a finite number of at least 1.0, such as 2");
		}
		if (restart.getMaxAttempts() < 1) {
			throw invalid("app.cluster.restart.max-attempts", restart.getMaxAttempts(), "a whole number of at least 1");
		}
		validateRecycling(worker);
		Duration scrapeTimeout = properties.getMetrics().getScrapeTimeout();
		if (scrapeTimeout.compareTo(Duration.ofMillis(100)) < 0
				|| scrapeTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
			throw invalid("app.cluster.metrics.scrape-timeout", scrapeTimeout,
					"a duration from 100ms to 30s, such as 2s");
		}
		requireOffOrUpTo("app.cluster.worker.slow-start", worker.getSlowStart(), ClusterProperties.MAX_SLOW_START,
				"15s");
		ClusterProperties.Warmup warmup = worker.getWarmup();
		for (int i = 0; i < warmup.getPaths().size(); i++) {
			String path = warmup.getPaths().get(i);
			if (path == null || !path.startsWith("/") || path.chars().anyMatch(Character::isWhitespace)) {
				throw invalid("app.cluster.worker.warmup.paths[" + i + "]", path,
						"a path starting with /, without spaces, such as /api/items?page=1");
			}
		}
		if (warmup.getRequests() < 1 || warmup.getRequests() > ClusterProperties.MAX_WARMUP_REQUESTS) {
			throw invalid("app.cluster.worker.warmup.requests", warmup.getRequests(),
					"a whole number from 1 to " + ClusterProperties.MAX_WARMUP_REQUESTS);
		}
		requirePositive("app.cluster.worker.warmup.timeout", warmup.getTimeout());
		requireOffOrUpTo("app.cluster.worker.warmup.compiler-head-start", warmup.getCompilerHeadStart(),
				ClusterProperties.MAX_COMPILER_HEAD_START, "10s");
		if (!warmup.getPaths().isEmpty() && warmup.getTimeout().compareTo(properties.getStartupTimeout()) >= 0) {
			// A worker still warming up when its start-up time is over would be killed.
			throw invalid("app.cluster.worker.warmup.timeout", warmup.getTimeout(),
					"a duration shorter than app.cluster.startup-timeout (" + display(properties.getStartupTimeout())
							+ ")");
		}
	}

	private static void validateRecycling(ClusterProperties.Worker worker) {
		if (worker.getMaxMemory() != null
				&& worker.getMaxMemory().toMegabytes() < ClusterProperties.MIN_MAX_MEMORY_MEGABYTES) {
			throw invalid("app.cluster.worker.max-memory", worker.getMaxMemory(),
					"a size of at least " + ClusterProperties.MIN_MAX_MEMORY_MEGABYTES + "MB, such as 700MB");
		}
		if (worker.getMaxRequests() != null
				&& (worker.getMaxRequests() < 1 || worker.getMaxRequests() > ClusterProperties.MAX_REQUESTS_LIMIT)) {
			throw invalid("app.cluster.worker.max-requests", worker.getMaxRequests(),
					"a whole number from 1 to " + ClusterProperties.MAX_REQUESTS_LIMIT);
		}
		long jitterLimit = (worker.getMaxRequests() != null) ? worker.getMaxRequests()
				: ClusterProperties.MAX_REQUESTS_LIMIT;
		if (worker.getMaxRequestsJitter() < 0 || worker.getMaxRequestsJitter() > jitterLimit) {
			throw invalid("app.cluster.worker.max-requests-jitter", worker.getMaxRequestsJitter(),
					"a whole number from 0 to app.cluster.worker.max-requests (" + jitterLimit + ")");
		}
		if (worker.getHeartbeatTimeout().compareTo(ClusterProperties.MIN_HEARTBEAT_TIMEOUT) < 0) {
			throw invalid("app.cluster.worker.heartbeat-timeout", worker.getHeartbeatTimeout(),
					"a duration of at least " + display(ClusterProperties.MIN_HEARTBEAT_TIMEOUT)
							+ " (workers send a heartbeat every 2s), such as 30s");
		}
	}

	private static void requireOffOrUpTo(String name, Duration value, Duration max, String example) {
		if (value.isNegative() || value.compareTo(max) > 0) {
			throw invalid(name, value, "a duration from 0s (off) to " + display(max) + ", such as " + example);
		}
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
	private static InvalidConfigurationPropertyValueException invalid(String name, @Nullable Object value,
			String accepted) {
		return new InvalidConfigurationPropertyValueException(name,
				(value instanceof Duration duration) ? display(duration) : value, "Expected " + accepted + ".");
	}

	/**
	 * A duration as a property would give it, in its largest whole unit, such as
	 * {@code 15s}.
	 * @param duration the duration
	 * @return the text
	 */
	public static String display(Duration duration) {
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

	private static RuntimeException describe(BindException ex) {
		ConfigurationProperty property = ex.getProperty();
		if (property == null) {
			return ex;
		}
		ConversionFailedException conversion = findCause(ex, ConversionFailedException.class);
		Class<?> target = (conversion != null) ? conversion.getTargetType().getObjectType() : Object.class;
		return invalid(property.getName().toString(), property.getValue(), acceptedForm(target));
	}

	private static String acceptedForm(Class<?> target) {
		if (target == Duration.class) {
			return "a duration such as 500ms, 30s or 2m";
		}
		if (target == Integer.class || target == Long.class) {
			return "a whole number";
		}
		if (target == Double.class) {
			return "a number such as 2 or 1.5";
		}
		if (target == Boolean.class) {
			return "true or false";
		}
		if (target.isEnum()) {
			return "one of " + Arrays.stream(target.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT))
				.collect(Collectors.joining(", "));
		}
		return "a value of type " + target.getSimpleName();
	}

	private static <T extends Throwable> @Nullable T findCause(Throwable ex, Class<T> type) {
		for (Throwable candidate = ex; candidate != null; candidate = candidate.getCause()) {
			if (type.isInstance(candidate)) {
				return type.cast(candidate);
			}
		}
		return null;
	}

}
