package dev.bootcluster.benchmarks;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import dev.bootcluster.offload.Offload;
import dev.bootcluster.offload.OffloadAutoConfiguration;

/**
 * Per-call cost of handing a small task to a pool and waiting for its result: a raw
 * {@code ThreadPoolExecutor}, an {@code @Offload} bean (plain and future-returning
 * methods), and an {@code @Async} bean, all on two threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OffloadOverheadBenchmark {

	private static final int THREADS = 2;

	private static final long WORK = 64;

	private ThreadPoolExecutor executor;

	private AnnotationConfigApplicationContext context;

	private Work work;

	private AsyncWork asyncWork;

	@Setup(Level.Trial)
	public void setUp() {
		this.executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(100));
		this.context = new AnnotationConfigApplicationContext();
		this.context.getEnvironment()
			.getSystemProperties()
			.put("app.cluster.offload.threads", String.valueOf(THREADS));
		this.context.register(AutoConfigurations.getClasses(AutoConfigurations.of(OffloadAutoConfiguration.class)));
		this.context.register(Beans.class);
		this.context.refresh();
		this.work = this.context.getBean(Work.class);
		this.asyncWork = this.context.getBean(AsyncWork.class);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.executor.shutdownNow();
		this.context.close();
	}

	@Benchmark
	public long rawExecutorSubmitGet() throws Exception {
		return this.executor.submit(Work::compute).get();
	}

	@Benchmark
	public long offloadPlainCall() {
		return this.work.computeOnPool();
	}

	@Benchmark
	public long offloadFutureGet() throws Exception {
		return this.work.computeAsync().get();
	}

	@Benchmark
	public long asyncFutureGet() throws Exception {
		return this.asyncWork.compute().get();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAsync
	static class Beans {

		@Bean
		Work work() {
			return new Work();
		}

		@Bean
		AsyncWork asyncWork() {
			return new AsyncWork();
		}

		@Bean
		ThreadPoolTaskExecutor taskExecutor() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setCorePoolSize(THREADS);
			executor.setMaxPoolSize(THREADS);
			executor.setQueueCapacity(100);
			return executor;
		}

	}

	public static class Work {

		static long compute() {
			Blackhole.consumeCPU(WORK);
			return WORK;
		}

		@Offload
		public long computeOnPool() {
			return compute();
		}

		@Offload
		public CompletableFuture<Long> computeAsync() {
			return CompletableFuture.completedFuture(compute());
		}

	}

	public static class AsyncWork {

		@Async
		public CompletableFuture<Long> compute() {
			return CompletableFuture.completedFuture(Work.compute());
		}

	}

}
