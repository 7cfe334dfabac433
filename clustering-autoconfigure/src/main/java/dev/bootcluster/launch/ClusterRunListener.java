package dev.bootcluster.launch;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

import dev.bootcluster.autoconfigure.ClusterProperties;
import dev.bootcluster.autoconfigure.ClusterPropertiesBinder;
import dev.bootcluster.primary.Primary;
import dev.bootcluster.worker.WorkerAgent;

/**
 * The earliest hook that sees every property source. In a primary it takes over the
 * launch: it supervises the workers and exits, so the user's application context is never
 * created. In a worker it connects to the primary as early as possible, so that a worker
 * whose primary dies during startup exits too.
 */
public class ClusterRunListener implements SpringApplicationRunListener, Ordered {

	private final SpringApplication application;

	private final String[] args;

	private @Nullable WorkerAgent worker;

	public ClusterRunListener(SpringApplication application, String[] args) {
		this.application = application;
		this.args = args;
	}

	@Override
	public void environmentPrepared(ConfigurableBootstrapContext bootstrapContext,
			ConfigurableEnvironment environment) {
		switch (LaunchMode.detect(this.application, environment)) {
			case PRIMARY -> {
				ClusterProperties properties = ClusterPropertiesBinder.bind(environment);
				int exitCode = new Primary(this.application, this.args, environment, properties).run();
				System.exit(exitCode);
			}
			case WORKER -> this.worker = WorkerAgent.start(WorkerLaunch.current().orElseThrow());
			case PLAIN -> {
			}
		}
	}

	@Override
	public void contextPrepared(ConfigurableApplicationContext context) {
		if (this.worker != null) {
			context.addApplicationListener(this.worker);
			context.getBeanFactory().registerSingleton("clusterWorkerAgent", this.worker);
		}
	}

	@Override
	public int getOrder() {
		// After Spring Boot's own listener, so logging is initialized and readiness is
		// published before this listener acts.
		return 10;
	}

}
