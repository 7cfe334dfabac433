package dev.bootcluster.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.env.Environment;

/**
 * Binds and checks {@link ClusterProperties} straight from the {@link Environment}, at
 * the launch hook that decides whether this JVM is a primary, a worker or a plain
 * application, before any application context exists.
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
		properties.validate();
		return properties;
	}

	private static RuntimeException describe(BindException ex) {
		ConfigurationProperty property = ex.getProperty();
		if (property == null) {
			return ex;
		}
		ConversionFailedException conversion = findCause(ex, ConversionFailedException.class);
		Class<?> target = (conversion != null) ? conversion.getTargetType().getObjectType() : Object.class;
		return ClusterProperties.invalid(property.getName().toString(), property.getValue(), acceptedForm(target));
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
