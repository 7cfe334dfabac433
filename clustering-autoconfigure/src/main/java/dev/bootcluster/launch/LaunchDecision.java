package dev.bootcluster.launch;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;

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

	static final String SOURCE_NAME = "bootCluster";

	static final String DEFAULTS_SOURCE_NAME = "bootClusterDefaults";

	private static final String LEVEL_PATTERN = "logging.pattern.level";

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

	/**
	 * Give a worker its identity and ports as properties, and tag every log line of the
	 * primary and of each worker with who wrote it.
	 * @param environment the environment
	 */
	void applyTo(ConfigurableEnvironment environment) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		if (environment.getPropertySources().contains(DEFAULTS_SOURCE_NAME)) {
			return;
		}
		if (this.mode == LaunchMode.WORKER && this.worker != null) {
			Map<String, Object> fixed = new LinkedHashMap<>();
			fixed.put("app.cluster.worker-id", this.worker.workerId());
			fixed.put("app.cluster.worker-count", this.worker.workerCount());
			fixed.put("server.port", this.worker.port());
			if (this.worker.managementPort() != null) {
				// The primary owns the management port and hands its connections to a
				// private one of each worker's.
				fixed.put("management.server.port", 0);
				fixed.put("management.server.address", "127.0.0.1");
			}
			environment.getPropertySources().addFirst(new MapPropertySource(SOURCE_NAME, fixed));
			defaults.put(LEVEL_PATTERN, "%5p [worker-" + this.worker.workerId() + "]");
			// Structured logging (ecs, logstash, gelf) says who wrote a line as fields.
			defaults.put("logging.structured.json.add[cluster.worker.id]", String.valueOf(this.worker.workerId()));
			defaults.put("logging.structured.json.add[cluster.worker.count]",
					String.valueOf(this.worker.workerCount()));
			defaults.put("logging.structured.ecs.service.node-name", "worker-" + this.worker.workerId());
			defaults.put("spring.lifecycle.timeout-per-shutdown-phase",
					this.properties.getShutdownTimeout().toMillis() + "ms");
			if (this.worker.workerId() > 0) {
				defaults.put("spring.main.banner-mode", "off");
			}
			if (this.worker.sharedCores() != null) {
				// A worker that shares the CPUs: a thread for each, so that a core
				// another worker leaves idle runs this one's offloaded calls.
				defaults.put("app.cluster.offload.threads", this.worker.sharedCores());
			}
		}
		else if (this.mode == LaunchMode.PRIMARY) {
			defaults.put(LEVEL_PATTERN, "%5p [primary]");
			defaults.put("logging.structured.json.add[cluster.role]", "primary");
			defaults.put("logging.structured.ecs.service.node-name", "primary");
		}
		if (!defaults.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource(DEFAULTS_SOURCE_NAME, defaults));
		}
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
