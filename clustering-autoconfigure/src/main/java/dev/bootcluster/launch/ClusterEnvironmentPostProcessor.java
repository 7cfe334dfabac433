package dev.bootcluster.launch;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.BootstrapRegistry.InstanceSupplier;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The earliest hook with every property source and no logging yet: binds
 * {@code app.cluster.*} once and decides this JVM's role ({@link LaunchDecision}), gives
 * a worker its identity and ports as properties, and tags every log line of the primary
 * and of each worker with who wrote it. A bad value is reported by
 * {@link ClusterRunListener}, once logging can print Spring Boot's failure report.
 */
public class ClusterEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

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
		decision.applyTo(environment);
	}

	@Override
	public int getOrder() {
		// After the config data post-processor, so that application.properties is read.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
