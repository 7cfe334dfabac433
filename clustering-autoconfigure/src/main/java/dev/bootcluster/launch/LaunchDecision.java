package dev.bootcluster.launch;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.Environment;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.config.ClusterPropertiesBinder;
import dev.bootcluster.ipc.WorkerLaunch;

/**
 * What the launch hook decided for this JVM, from {@code app.cluster.*} bound once: its
 * role, its properties and, in a worker, what the primary passed to it. Made by
 * {@link ClusterEnvironmentPostProcessor} and handed to {@link ClusterRunListener}
 * through the bootstrap context.
 *
 * @param mode the role
 * @param properties {@code app.cluster.*}
 * @param worker the worker's launch, in a worker
 */
record LaunchDecision(LaunchMode mode, ClusterProperties properties, @Nullable WorkerLaunch worker) {

	/**
	 * Bind the properties and decide. Only an application started from its own
	 * {@code main} method becomes a primary; an application context built by a test stays
	 * plain.
	 * @param application the application being run
	 * @param environment its prepared environment
	 * @return the decision
	 * @throws org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException
	 * for a bad {@code app.cluster.*} value
	 */
	static LaunchDecision decide(SpringApplication application, Environment environment) {
		ClusterProperties properties = ClusterPropertiesBinder.bind(environment);
		WorkerLaunch worker = WorkerLaunch.current().orElse(null);
		if (worker != null) {
			return new LaunchDecision(LaunchMode.WORKER, properties, worker);
		}
		boolean primary = properties.isClusterRequested() && launchedFromMain(application);
		return new LaunchDecision(primary ? LaunchMode.PRIMARY : LaunchMode.PLAIN, properties, null);
	}

	private static boolean launchedFromMain(SpringApplication application) {
		Class<?> mainClass = application.getMainApplicationClass();
		if (mainClass == null) {
			return false;
		}
		return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
			.walk((frames) -> frames
				.anyMatch((frame) -> frame.getDeclaringClass() == mainClass && "main".equals(frame.getMethodName())));
	}

}
