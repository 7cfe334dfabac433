package dev.bootcluster.primary;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.bootcluster.os.Signals;

/**
 * A worker JVM forked by the primary. It inherits the shared socket as its standard
 * input; its output is copied to the primary's, and the last lines are kept to explain a
 * failure.
 */
final class WorkerProcess implements WorkerHandle {

	private static final int TAIL_LINES = 200;

	private final Process process;

	private final Deque<String> tail = new ArrayDeque<>();

	private final CompletableFuture<Integer> exit;

	private WorkerProcess(Process process) {
		this.process = process;
		Thread out = pump(process.getInputStream(), System.out, "out");
		Thread err = pump(process.getErrorStream(), System.err, "err");
		// Complete only once the output is drained, so the tail holds the last words.
		this.exit = process.onExit().thenApply((ended) -> {
			join(out);
			join(err);
			return ended.exitValue();
		});
	}

	static WorkerProcess start(List<String> command, Map<String, String> environment) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.redirectInput(ProcessBuilder.Redirect.INHERIT);
		WorkerCommand.MERGED_ENVIRONMENT.forEach(builder.environment()::remove);
		builder.environment().putAll(environment);
		return new WorkerProcess(builder.start());
	}

	private Thread pump(InputStream stream, PrintStream target, String name) {
		Thread thread = new Thread(() -> {
			try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream))) {
				String line;
				while ((line = reader.readLine()) != null) {
					target.println(line);
					synchronized (this.tail) {
						if (this.tail.size() == TAIL_LINES) {
							this.tail.removeFirst();
						}
						this.tail.addLast(line);
					}
				}
			}
			catch (IOException ex) {
				// The worker is gone; its exit is reported through onExit().
			}
		}, "cluster-worker-" + this.process.pid() + "-" + name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private static void join(Thread thread) {
		try {
			thread.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public long pid() {
		return this.process.pid();
	}

	@Override
	public CompletableFuture<Integer> onExit() {
		return this.exit;
	}

	@Override
	public Optional<Duration> cpuTime() {
		return this.process.info().totalCpuDuration();
	}

	@Override
	public void stop() {
		// Through the handle: Process.destroy() would also close the pipes, and the
		// worker's shutdown logs would be lost.
		this.process.toHandle().destroy();
	}

	@Override
	public void kill() {
		this.process.toHandle().destroyForcibly();
	}

	@Override
	public void threadDump() {
		Signals.threadDump(pid());
	}

	@Override
	public List<String> outputTail() {
		synchronized (this.tail) {
			return new ArrayList<>(this.tail);
		}
	}

}
