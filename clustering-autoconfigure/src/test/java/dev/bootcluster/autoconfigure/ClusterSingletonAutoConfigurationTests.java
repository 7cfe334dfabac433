package dev.bootcluster.autoconfigure;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.bootcluster.scheduling.ClusterSingleton;
import dev.bootcluster.scheduling.SingletonGate;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterSingletonAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterSingletonAutoConfiguration.class));

	@Test
	void inASingleJvmASingletonMethodAlwaysRuns() {
		this.runner.withUserConfiguration(JobConfiguration.class).run((context) -> {
			Job job = context.getBean(Job.class);
			job.run();
			job.run();
			assertThat(job.runs()).isEqualTo(2);
		});
	}

	@Test
	void inAWorkerItRunsOnlyWhileThePrimaryKeepsTheGateOpen() {
		SingletonGate gate = new SingletonGate(false);
		this.runner.withUserConfiguration(JobConfiguration.class)
			.withBean("clusterSingletonGate", SingletonGate.class, () -> gate)
			.run((context) -> {
				Job job = context.getBean(Job.class);
				job.run();
				assertThat(job.runs()).isZero();
				gate.open();
				job.run();
				assertThat(job.runs()).isEqualTo(1);
				AtomicInteger released = new AtomicInteger();
				gate.close(released::incrementAndGet);
				assertThat(released.get()).isEqualTo(1);
				job.run();
				assertThat(job.runs()).isEqualTo(1);
			});
	}

	@Test
	void aGateClosedWhileAJobRunsReleasesOnlyOnceItReturns() {
		SingletonGate gate = new SingletonGate(true);
		AtomicInteger released = new AtomicInteger();
		assertThat(gate.tryEnter()).isTrue();
		gate.close(released::incrementAndGet);
		assertThat(gate.tryEnter()).isFalse();
		assertThat(released.get()).isZero();
		gate.exit();
		assertThat(released.get()).isEqualTo(1);
	}

	@Test
	void aSingletonMethodThatReturnsAValueFailsTheStartup() {
		this.runner.withUserConfiguration(ValueJobConfiguration.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining(ValueJob.class.getName() + ".count (bean 'valueJob') returns int")
				.hasMessageContaining("must return void"));
	}

	@Configuration(proxyBeanMethods = false)
	static class JobConfiguration {

		@Bean
		Job job() {
			return new Job();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ValueJobConfiguration {

		@Bean
		ValueJob valueJob() {
			return new ValueJob();
		}

	}

	static class Job {

		private final AtomicInteger runs = new AtomicInteger();

		@ClusterSingleton
		public void run() {
			this.runs.incrementAndGet();
		}

		int runs() {
			return this.runs.get();
		}

	}

	static class ValueJob {

		@ClusterSingleton
		public int count() {
			return 1;
		}

	}

}
