package dev.bootcluster.launch;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import dev.bootcluster.ipc.WorkerLaunch;

/**
 * The earliest hook with every property source and no logging yet: binds
 * {@code app.cluster.*} once and decides this JVM's role ({@link LaunchDecision}), gives
 * a worker its identity and ports as properties, and tags every log line of the primary
 * and of each worker with who wrote it. A bad value is reported by
 * {@link ClusterRunListener}, once logging can print Spring Boot's failure report.
 */
public class ClusterEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String SOURCE_NAME = "bootCluster";

	static final String DEFAULTS_SOURCE_NAME = "bootClusterDefaults";

	private static final String LEVEL_PATTERN = "logging.pattern.level";

	private final ConfigurableBootstrapContext bootstrapContext;

	public ClusterEnvironmentPostProcessor(ConfigurableBootstrapContext bootstrapContext) {
		this.bootstrapContext = bootstrapContext;
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		LaunchDecision decision;
		try {
			decision = LaunchDecision.decide(application, environment);
		}
		catch (RuntimeException ex) {
			this.bootstrapContext.register(LaunchDecision.class, InstanceSupplier.from(() -> {
				throw ex;
			}));
			return;
		}
		this.bootstrapContext.register(LaunchDecision.class, InstanceSupplier.of(decision));
		Map<String, Object> defaults = new LinkedHashMap<>();
		switch (decision.mode()) {
			case WORKER -> {
				WorkerLaunch launch = decision.worker();
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
						decision.properties().getShutdownTimeout().toMillis() + "ms");
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
