package dev.bootcluster.offload;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class OffloadAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OffloadAutoConfiguration.class))
		.withPropertyValues("app.cluster.offload.pools.images.threads=1")
		.withUserConfiguration(WorkConfiguration.class);

	@Test
	void aPlainMethodRunsOnThePoolWhileTheCallerWaits() {
		this.runner.run((context) -> {
			Work work = context.getBean(Work.class);
			assertThat(work.threadName()).startsWith("offload-default-");
			AtomicReference<String> ran = new AtomicReference<>();
			work.run(() -> ran.set(Thread.currentThread().getName()));
			assertThat(ran.get()).startsWith("offload-default-");
		});
	}

	@Test
	void futuresAndCompletionStagesReturnAtOnce() {
		this.runner.run((context) -> {
			Work work = context.getBean(Work.class);
			CountDownLatch release = new CountDownLatch(1);
			CompletableFuture<String> pending = work.blockAsync(new CountDownLatch(1), release);
			assertThat(pending).isNotDone();
			release.countDown();
			assertThat(pending.get(5, TimeUnit.SECONDS)).startsWith("offload-default-");
			assertThat(work.future().get(5, TimeUnit.SECONDS)).startsWith("offload-default-");
		});
	}

	@Test
	void theCallerSeesTheMethodsOwnException() {
		this.runner.run((context) -> {
			Work work = context.getBean(Work.class);
			assertThatExceptionOfType(IOException.class).isThrownBy(work::fail).withMessage("boom");
			assertThat(work.failAsync()).failsWithin(5, TimeUnit.SECONDS)
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.withCauseInstanceOf(IOException.class);
		});
	}

	@Test
	void aFullQueueFailsFastAndIsCounted() {
		this.runner.withPropertyValues("app.cluster.offload.threads=1", "app.cluster.offload.queue-capacity=1")
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				Work work = context.getBean(Work.class);
				CountDownLatch started = new CountDownLatch(1);
				CountDownLatch release = new CountDownLatch(1);
				CompletableFuture<String> running = work.blockAsync(started, release);
				assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
				CompletableFuture<String> queued = work.blockAsync(new CountDownLatch(1), release);
				assertThatExceptionOfType(OffloadRejectedException.class).isThrownBy(work::threadName)
					.withMessageContaining("'default' is saturated");
				assertThat(work.blockAsync(new CountDownLatch(1), release)).isCompletedExceptionally();
				release.countDown();
				assertThat(running.get(5, TimeUnit.SECONDS)).isNotNull();
				assertThat(queued.get(5, TimeUnit.SECONDS)).isNotNull();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("offload.rejected").tag("pool", "default").counter().count()).isEqualTo(2);
			});
	}

	@Test
	void aCallThatTimesOutIsInterruptedAndLeavesThePoolFree() {
		this.runner.withPropertyValues("app.cluster.offload.threads=1", "app.cluster.offload.timeout=200ms")
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				Work work = context.getBean(Work.class);
				AtomicBoolean interrupted = new AtomicBoolean();
				assertThatExceptionOfType(OffloadTimeoutException.class)
					.isThrownBy(() -> work.sleep(10_000, interrupted))
					.withMessageContaining("within 200 ms");
				await().atMost(Duration.ofSeconds(5)).untilTrue(interrupted);
				assertThat(work.blockAsync(new CountDownLatch(1), new CountDownLatch(0)).get(5, TimeUnit.SECONDS))
					.startsWith("offload-default-");
				AtomicBoolean asyncInterrupted = new AtomicBoolean();
				assertThat(work.sleepAsync(10_000, asyncInterrupted)).failsWithin(5, TimeUnit.SECONDS)
					.withThrowableOfType(java.util.concurrent.ExecutionException.class)
					.withCauseInstanceOf(OffloadTimeoutException.class);
				await().atMost(Duration.ofSeconds(5)).untilTrue(asyncInterrupted);
				OffloadPool pool = context.getBean(OffloadPools.class).get("");
				await().atMost(Duration.ofSeconds(5))
					.until(() -> pool.executor().getActiveCount() == 0 && pool.executor().getQueue().isEmpty());
				assertThat(context.getBean(MeterRegistry.class)
					.get("offload.timeouts")
					.tag("pool", "default")
					.counter()
					.count()).isEqualTo(2);
			});
	}

	@Test
	void theCallersMdcAndObservationReachTheTaskAndLeaveWithIt() {
		ObservationRegistry observations = ObservationRegistry.create();
		ObservationThreadLocalAccessor.getInstance().setObservationRegistry(observations);
		this.runner.withPropertyValues("app.cluster.offload.threads=1").run((context) -> {
			Work work = context.getBean(Work.class);
			Observation observation = Observation.start("request", observations);
			MDC.put("request", "42");
			try (Observation.Scope scope = observation.openScope()) {
				assertThat(work.mdc()).isEqualTo("42");
				assertThat(work.currentObservation(observations)).isSameAs(observation);
			}
			finally {
				MDC.remove("request");
				observation.stop();
			}
			assertThat(work.mdc()).isNull();
			assertThat(work.currentObservation(observations)).isNull();
		});
	}

	@Test
	void theCallersSecurityContextReachesTheTask() {
		this.runner.run((context) -> {
			Work work = context.getBean(Work.class);
			SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("alice", "secret"));
			try {
				assertThat(work.user()).isEqualTo("alice");
			}
			finally {
				SecurityContextHolder.clearContext();
			}
			assertThat(work.user()).isNull();
		});
	}

	@Test
	void closingTheContextLetsRunningTasksFinishAndRefusesNewOnes() throws Exception {
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		AtomicReference<CompletableFuture<String>> running = new AtomicReference<>();
		AtomicReference<OffloadPool> pool = new AtomicReference<>();
		AtomicReference<Work> work = new AtomicReference<>();
		Thread closer = new Thread(() -> this.runner.run((context) -> {
			work.set(context.getBean(Work.class));
			pool.set(context.getBean(OffloadPools.class).get(""));
			running.set(work.get().blockAsync(started, release));
			assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
		}));
		closer.start();
		await().atMost(java.time.Duration.ofSeconds(10))
			.until(() -> pool.get() != null && pool.get().executor().isShutdown());
		assertThat(running.get()).isNotDone();
		assertThatExceptionOfType(OffloadRejectedException.class).isThrownBy(() -> work.get().threadName());
		release.countDown();
		assertThat(running.get().get(5, TimeUnit.SECONDS)).startsWith("offload-default-");
		closer.join(10_000);
		assertThat(pool.get().executor().isTerminated()).isTrue();
	}

	@Test
	void poolsAreMeasured() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			Work work = context.getBean(Work.class);
			work.threadName();
			work.threadName();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("offload.run").tag("pool", "default").timer().count()).isEqualTo(2);
			assertThat(registry.get("offload.queue.wait").tag("pool", "default").timer().count()).isEqualTo(2);
			// The executor counts a task as completed after its caller already has the
			// result.
			await("executor.completed").atMost(Duration.ofSeconds(5))
				.until(() -> registry.get("executor.completed")
					.tag("name", "offload-default")
					.functionCounter()
					.count() == 2);
			assertThat(registry.get("offload.utilization").tag("pool", "images").gauge().value()).isZero();
		});
	}

	@Test
	void namedPoolsAndTypeLevelAnnotationsRunOnTheirPool() {
		this.runner.withUserConfiguration(TypeLevelConfiguration.class).run((context) -> {
			assertThat(context.getBean(Work.class).images()).startsWith("offload-images-");
			assertThat(context.getBean(Everything.class).threadName()).startsWith("offload-default-");
		});
	}

	@Test
	void whenDisabledMethodsRunOnTheCallersThread() {
		this.runner.withPropertyValues("app.cluster.offload.enabled=false")
			.run((context) -> assertThat(context.getBean(Work.class).threadName())
				.isEqualTo(Thread.currentThread().getName()));
	}

	@Test
	void anUnknownPoolFailsTheStartupNamingTheBeanAndMethod() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(OffloadAutoConfiguration.class))
			.withBean("unknownPoolWork", UnknownPool.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining(UnknownPool.class.getName() + ".render (bean 'unknownPoolWork')")
				.hasMessageContaining("No offload pool named 'thumbnails'"));
	}

	@Test
	void anOffloadedFinalOrPrivateMethodFailsTheStartup() {
		ApplicationContextRunner bare = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OffloadAutoConfiguration.class));
		bare.withBean("finalWork", FinalMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("FinalMethod.render (bean 'finalWork') has no effect")
				.hasMessageContaining("final method"));
		bare.withBean("privateWork", PrivateMethod.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("private method"));
	}

	@Test
	void aUserDefinedPoolsBeanIsUsed() {
		this.runner.withBean(OffloadPools.class, () -> {
			OffloadProperties properties = new OffloadProperties();
			properties.setThreads(3);
			properties.getPools().put("images", new OffloadProperties.Pool());
			return new OffloadPools(properties);
		}).run((context) -> assertThat(context.getBean(OffloadPools.class).get("").getThreads()).isEqualTo(3));
	}

	@Test
	void invalidPoolSettingsNameTheProperty() {
		this.runner.withPropertyValues("app.cluster.offload.pools.images.threads=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("app.cluster.offload.pools.images.threads");
					assertThat(ex.getValue()).isEqualTo(0);
					assertThat(ex.getReason()).isEqualTo("Expected a whole number from 1 to 1024.");
				}));
	}

	@Configuration(proxyBeanMethods = false)
	static class WorkConfiguration {

		@Bean
		Work work() {
			return new Work();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TypeLevelConfiguration {

		@Bean
		Everything everything() {
			return new Everything();
		}

	}

	static class Work {

		@Offload
		public String threadName() {
			return Thread.currentThread().getName();
		}

		@Offload
		public void run(Runnable runnable) {
			runnable.run();
		}

		@Offload
		public CompletableFuture<String> blockAsync(CountDownLatch started, CountDownLatch release)
				throws InterruptedException {
			started.countDown();
			release.await();
			return CompletableFuture.completedFuture(Thread.currentThread().getName());
		}

		@Offload
		public Future<String> future() {
			return CompletableFuture.completedFuture(Thread.currentThread().getName());
		}

		@Offload
		public String fail() throws IOException {
			throw new IOException("boom");
		}

		@Offload
		public CompletableFuture<String> failAsync() throws IOException {
			throw new IOException("boom");
		}

		@Offload
		public void sleep(long millis, AtomicBoolean interrupted) {
			try {
				// Stands for long work: nothing releases the latch, only an interrupt
				// ends it early.
				new CountDownLatch(1).await(millis, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
			}
		}

		@Offload
		public CompletableFuture<Void> sleepAsync(long millis, AtomicBoolean interrupted) {
			sleep(millis, interrupted);
			return CompletableFuture.completedFuture(null);
		}

		@Offload
		public String mdc() {
			return MDC.get("request");
		}

		@Offload
		public Observation currentObservation(ObservationRegistry registry) {
			return registry.getCurrentObservation();
		}

		@Offload
		public String user() {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			return (authentication != null) ? authentication.getName() : null;
		}

		@Offload("images")
		public String images() {
			return Thread.currentThread().getName();
		}

	}

	@Offload
	static class Everything {

		public String threadName() {
			return Thread.currentThread().getName();
		}

	}

	static class UnknownPool {

		@Offload("thumbnails")
		public String render() {
			return "";
		}

	}

	static class FinalMethod {

		@Offload
		public final String render() {
			return "";
		}

	}

	static class PrivateMethod {

		@Offload
		private String render() {
			return "";
		}

	}

}
