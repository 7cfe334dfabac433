package dev.bootcluster.launch;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.Environment;

/**
 * The role of this JVM, decided once the environment is prepared.
 */
public enum LaunchMode {

	/** Launched by the user with cluster mode on: supervise workers, run no user code. */
	PRIMARY,

	/** Started by a primary: run the application on the shared port. */
	WORKER,

	/** A single JVM, as if the starter were not there. */
	PLAIN;

	/**
	 * Decide the role. Only an application started from its own {@code main} method
	 * becomes a primary; an application context built by a test stays plain.
	 * @param application the application being run
	 * @param environment its prepared environment
	 * @return the role
	 */
	public static LaunchMode detect(SpringApplication application, Environment environment) {
		if (WorkerLaunch.current().isPresent()) {
			return WORKER;
		}
		boolean requested = environment.getProperty("app.cluster.instances") != null
				&& !"false".equalsIgnoreCase(environment.getProperty("app.cluster.enabled", "true").trim());
		return (requested && launchedFromMain(application)) ? PRIMARY : PLAIN;
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
