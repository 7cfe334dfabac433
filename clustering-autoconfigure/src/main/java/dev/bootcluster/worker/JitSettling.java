package dev.bootcluster.worker;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Whether this JVM's JIT compiler has settled: it was busy less than {@link #SETTLED} of
 * the time in {@link #QUIET_BATCHES} batches in a row (of warm-up rounds, or of a
 * compiler head start's waits), each batch at least {@link #BATCH} long and holding at
 * least as much of this process's CPU time. The compiler's time is summed over its
 * threads and counts a compilation when it ends, so a batch may read above 1. A worker
 * that gets little CPU, such as a replacement starting beside busy workers, finishes few
 * compilations in a short batch because it hardly runs, not because its compiler is done:
 * the CPU time it needs makes such a batch longer. A compiler head start measures in wall
 * time instead ({@link #ofThisJvmInWallTime()}).
 */
final class JitSettling {

	/** The least time a batch of whole rounds lasts. */
	static final Duration BATCH = Duration.ofMillis(250);

	/** The share of a batch's time below which the compiler counts as quiet. */
	static final double SETTLED = 0.1;

	/** Quiet batches in a row that make it settled. */
	static final int QUIET_BATCHES = 2;

	private final LongSupplier compilationMillis;

	private final LongSupplier nanoTime;

	private final LongSupplier cpuNanos;

	private long batchStart;

	private long cpuAtBatchStart;

	private long compiledAtBatchStart;

	private int quiet;

	JitSettling(LongSupplier compilationMillis, LongSupplier nanoTime, LongSupplier cpuNanos) {
		this.compilationMillis = compilationMillis;
		this.nanoTime = nanoTime;
		this.cpuNanos = cpuNanos;
		startBatch();
	}

	/**
	 * Follows this JVM's JIT compiler.
	 * @return the settling, or {@code null} when the JVM does not monitor its compiler's
	 * time
	 */
	static @Nullable JitSettling ofThisJvm() {
		return ofThisJvm(ProcessCpu.clockOfThisJvm());
	}

	/**
	 * Follows this JVM's JIT compiler in batches of {@link #BATCH} whatever CPU time the
	 * process had, for compiler threads that run ahead of the rest: a quiet batch there
	 * means the compiler has nothing left to compile, not that it got no CPU.
	 * @return the settling, or {@code null} when the JVM does not monitor its compiler's
	 * time
	 */
	static @Nullable JitSettling ofThisJvmInWallTime() {
		return ofThisJvm(System::nanoTime);
	}

	private static @Nullable JitSettling ofThisJvm(LongSupplier cpuNanos) {
		CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
		if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
			return null;
		}
		return new JitSettling(compiler::getTotalCompilationTime, System::nanoTime, cpuNanos);
	}

	/**
	 * A round of requests, or a compiler head start's wait, ended.
	 * @return {@code true} once the compiler has settled
	 */
	boolean roundEnded() {
		long elapsed = this.nanoTime.getAsLong() - this.batchStart;
		if (elapsed < BATCH.toNanos() || this.cpuNanos.getAsLong() - this.cpuAtBatchStart < BATCH.toNanos()) {
			return false;
		}
		double busy = (this.compilationMillis.getAsLong() - this.compiledAtBatchStart) * 1e6 / elapsed;
		this.quiet = (busy < SETTLED) ? this.quiet + 1 : 0;
		startBatch();
		return this.quiet >= QUIET_BATCHES;
	}

	private void startBatch() {
		this.batchStart = this.nanoTime.getAsLong();
		this.compiledAtBatchStart = this.compilationMillis.getAsLong();
		this.cpuAtBatchStart = this.cpuNanos.getAsLong();
	}

}
