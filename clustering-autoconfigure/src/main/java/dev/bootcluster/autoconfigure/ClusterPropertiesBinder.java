package dev.bootcluster.autoconfigure;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.core.env.Environment;

/**
 * Binds and checks {@link ClusterProperties} straight from the {@link Environment}, for
 * the primary, which decides before any application context exists.
 */
public final class ClusterPropertiesBinder {

	private ClusterPropertiesBinder() {
	}

	/**
	 * Bind {@code app.cluster.*} and validate every value.
	 * @param environment the environment with every Spring Boot property source
	 * @return the properties
	 * @throws InvalidClusterPropertyException naming the first bad property
	 */
	public static ClusterProperties bind(Environment environment) {
		ClusterProperties properties = new ClusterProperties();
		try {
			Binder.get(environment).bind("app.cluster", Bindable.ofInstance(properties));
		}
		catch (BindException ex) {
			throw describe(ex);
		}
		try {
			properties.validate();
		}
		catch (InvalidClusterPropertyException ex) {
			// Report the value as the user wrote it (0s), not as it was converted (PT0S).
			String raw = environment.getProperty(ex.getProperty());
			throw (raw != null) ? new InvalidClusterPropertyException(ex.getProperty(), raw, ex.getAccepted()) : ex;
		}
		return properties;
	}

	private static RuntimeException describe(BindException ex) {
		ConfigurationProperty property = ex.getProperty();
		if (property == null) {
			return ex;
		}
		ConversionFailedException conversion = findCause(ex, ConversionFailedException.class);
		Class<?> target = (conversion != null) ? conversion.getTargetType().getObjectType() : Object.class;
		return new InvalidClusterPropertyException(property.getName().toString(), property.getValue(),
				acceptedForm(target));
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
