package dev.bootcluster.offload;

import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * One bounded pool: a fixed number of threads, a bounded queue that rejects when full, a
 * timeout that interrupts, and the caller's context (MDC, observation, security) carried
 * into the task and cleared after it.
 */
public final class OffloadPool {

	private static final ContextSnapshotFactory SNAPSHOTS = ContextSnapshotFactory.builder().build();

	private final String name;

	private final int threads;

	private final int queueCapacity;

	private final Duration timeout;

	private final ThreadPoolExecutor executor;

	private final ScheduledExecutorService timer;

	private volatile PoolObserver observer = PoolObserver.NONE;

	OffloadPool(String name, int threads, int queueCapacity, Duration timeout, ScheduledExecutorService timer) {
		this.name = name;
		this.threads = threads;
		this.queueCapacity = queueCapacity;
		this.timeout = timeout;
		this.timer = timer;
		BlockingQueue<Runnable> queue = (queueCapacity > 0) ? new ArrayBlockingQueue<>(queueCapacity)
				: new SynchronousQueue<>();
		AtomicInteger count = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, queue,
				(task) -> new Thread(task, "offload-" + name + "-" + count.incrementAndGet()),
				new ThreadPoolExecutor.AbortPolicy());
	}

	public String getName() {
		return this.name;
	}

	public int getThreads() {
		return this.threads;
	}

	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	ThreadPoolExecutor executor() {
		return this.executor;
	}

	void observe(PoolObserver observer) {
		this.observer = observer;
	}

	/**
	 * Run a call on the pool and wait for it, up to the timeout.
	 * @param call the call
	 * @return its result
	 * @throws Throwable the call's own exception, {@link OffloadRejectedException} or
	 * {@link OffloadTimeoutException}
	 */
	public @Nullable Object call(OffloadedCall call) throws Throwable {
		FutureTask<Object> task = submit(call);
		try {
			return task.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			cancel(task);
			this.observer.timedOut();
			throw new OffloadTimeoutException(this.name, this.timeout);
		}
		catch (ExecutionException ex) {
			throw ex.getCause();
		}
		catch (InterruptedException ex) {
			cancel(task);
			Thread.currentThread().interrupt();
			throw ex;
		}
	}

	/**
	 * Run a call that returns a future or a value on the pool, returning at once.
	 * @param call the call
	 * @return a future of the call's eventual value
	 */
	public CompletableFuture<Object> async(OffloadedCall call) {
		CompletableFuture<Object> result = new CompletableFuture<>();
		FutureTask<Object> task;
		try {
			task = submit(() -> {
				try {
					complete(result, call.call());
				}
				catch (Throwable ex) {
					result.completeExceptionally(ex);
				}
				return null;
			});
		}
		catch (OffloadRejectedException ex) {
			result.completeExceptionally(ex);
			return result;
		}
		Future<?> deadline = this.timer.schedule(() -> {
			if (result.completeExceptionally(new OffloadTimeoutException(this.name, this.timeout))) {
				this.observer.timedOut();
			}
		}, this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		result.whenComplete((value, ex) -> {
			deadline.cancel(false);
			if (ex != null) {
				// Timed out or cancelled by the caller: stop the task if it still runs.
				cancel(task);
			}
		});
		return result;
	}

	@SuppressWarnings("unchecked")
	private static void complete(CompletableFuture<Object> result, @Nullable Object value) throws Exception {
		if (value instanceof CompletionStage<?> stage) {
			((CompletionStage<Object>) stage).whenComplete((done, ex) -> {
				if (ex != null) {
					result.completeExceptionally(ex);
				}
				else {
					result.complete(done);
				}
			});
		}
		else if (value instanceof Future<?> future) {
			result.complete(future.get());
		}
		else {
			result.complete(value);
		}
	}

	private FutureTask<Object> submit(OffloadedCall call) {
		long queuedAt = System.nanoTime();
		ContextSnapshot context = SNAPSHOTS.captureAll();
		Map<String, String> mdc = MDC.getCopyOfContextMap();
		FutureTask<Object> task = new FutureTask<>(() -> {
			long startedAt = System.nanoTime();
			this.observer.queued(startedAt - queuedAt);
			Map<String, String> previousMdc = MDC.getCopyOfContextMap();
			setMdc(mdc);
			try (ContextSnapshot.Scope scope = context.setThreadLocals()) {
				return call.call();
			}
			catch (Exception | Error ex) {
				throw ex;
			}
			catch (Throwable ex) {
				throw new UndeclaredThrowableException(ex);
			}
			finally {
				setMdc(previousMdc);
				this.observer.ran(System.nanoTime() - startedAt);
			}
		});
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			if (this.executor.isShutdown()) {
				throw new OffloadRejectedException(this.name, "Offload pool '" + this.name + "' is shutting down");
			}
			this.observer.rejected();
			throw new OffloadRejectedException(this.name, this.queueCapacity);
		}
		return task;
	}

	private static void setMdc(@Nullable Map<String, String> values) {
		if (values == null) {
			MDC.clear();
		}
		else {
			MDC.setContextMap(values);
		}
	}

	private void cancel(FutureTask<?> task) {
		task.cancel(true);
		// A task still waiting must not keep a place in the bounded queue.
		this.executor.remove(task);
	}

	/**
	 * How busy the pool is: running tasks over threads.
	 * @return a value from 0 to 1
	 */
	public double utilization() {
		return (double) this.executor.getActiveCount() / this.threads;
	}

	/**
	 * Refuse new tasks and wait for running ones, up to the pool's timeout.
	 */
	void shutdown() {
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			this.executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A call to offload; may throw anything.
	 */
	@FunctionalInterface
	public interface OffloadedCall {

		@Nullable Object call() throws Throwable;

	}

}
