package dev.bootcluster.launch;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives a worker its identity and ports as properties, and tags every log line of the
 * primary and of each worker with who wrote it.
 */
public class ClusterEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String SOURCE_NAME = "bootCluster";

	static final String DEFAULTS_SOURCE_NAME = "bootClusterDefaults";

	private static final String LEVEL_PATTERN = "logging.pattern.level";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		switch (LaunchMode.detect(application, environment)) {
			case WORKER -> {
				WorkerLaunch launch = WorkerLaunch.current().orElseThrow();
				Map<String, Object> fixed = new LinkedHashMap<>();
				fixed.put("app.cluster.worker-id", launch.workerId());
				fixed.put("app.cluster.worker-count", launch.workerCount());
				fixed.put("server.port", launch.port());
				if (launch.managementPort() != null) {
					fixed.put("management.server.port", launch.managementPort());
				}
				environment.getPropertySources().addFirst(new MapPropertySource(SOURCE_NAME, fixed));
				defaults.put(LEVEL_PATTERN, "%5p [worker-" + launch.workerId() + "]");
				defaults.put("spring.lifecycle.timeout-per-shutdown-phase",
						environment.getProperty("app.cluster.shutdown-timeout", "30s"));
				if (launch.workerId() > 0) {
					defaults.put("spring.main.banner-mode", "off");
				}
			}
			case PRIMARY -> defaults.put(LEVEL_PATTERN, "%5p [primary]");
			case PLAIN -> {
				return;
			}
		}
		environment.getPropertySources().addLast(new MapPropertySource(DEFAULTS_SOURCE_NAME, defaults));
	}

	@Override
	public int getOrder() {
		// After the config data post-processor, so that application.properties is read.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
