package dev.bootcluster.launch;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

import dev.bootcluster.config.ClusterProperties;
import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.primary.Primary;
import dev.bootcluster.worker.WorkerAgent;

/**
 * Acts on the {@link LaunchDecision} once logging is initialized. In a primary it takes
 * over the launch: it supervises the workers and exits, so the user's application context
 * is never created. In a worker it connects to the primary as early as possible, so that
 * a worker whose primary dies during startup exits too. In every role it registers the
 * bound {@link ClusterProperties} as a bean.
 */
public class ClusterRunListener implements SpringApplicationRunListener, Ordered {

	private static final String PROPERTIES_BEAN = "app.cluster-" + ClusterProperties.class.getName();

	private final SpringApplication application;

	private final String[] args;

	private @Nullable ClusterProperties properties;

	private @Nullable WorkerLaunch launch;

	private @Nullable WorkerAgent worker;

	public ClusterRunListener(SpringApplication application, String[] args) {
		this.application = application;
		this.args = args;
	}

	@Override
	public void environmentPrepared(ConfigurableBootstrapContext bootstrapContext,
			ConfigurableEnvironment environment) {
		// Throws the post-processor's failure, if binding failed.
		LaunchDecision decision = bootstrapContext.isRegistered(LaunchDecision.class)
				? bootstrapContext.get(LaunchDecision.class) : decideLate(environment);
		this.properties = decision.properties();
		switch (decision.mode()) {
			case PRIMARY -> System.exit(new Primary(this.application, this.args, environment, this.properties).run());
			case WORKER -> {
				this.launch = decision.worker();
				this.worker = WorkerAgent.start(this.launch, this.properties);
			}
			case PLAIN -> TrainingRun.watchPrimary();
		}
	}

	/**
	 * Decide here when the post-processor did not, such as when it was left out of the
	 * application's post-processors.
	 */
	private LaunchDecision decideLate(ConfigurableEnvironment environment) {
		LaunchDecision decision = LaunchDecision.decide(this.application, environment);
		decision.applyTo(environment);
		return decision;
	}

	@Override
	public void contextPrepared(ConfigurableApplicationContext context) {
		if (this.properties != null) {
			context.getBeanFactory().registerSingleton(PROPERTIES_BEAN, this.properties);
		}
		if (this.launch != null && this.worker != null) {
			context.getBeanFactory().registerSingleton("clusterWorkerLaunch", this.launch);
			context.addApplicationListener(this.worker);
			context.getBeanFactory().registerSingleton("clusterWorkerAgent", this.worker);
			context.getBeanFactory().registerSingleton("clusterClient", this.worker.client());
			context.getBeanFactory().registerSingleton("clusterSingletonGate", this.worker.singletonGate());
		}
	}

	@Override
	public int getOrder() {
		// After Spring Boot's own listener, so logging is initialized and readiness is
		// published before this listener acts.
		return 10;
	}

}
