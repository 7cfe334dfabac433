package dev.bootcluster.ipc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * What the primary knows about the cluster, as any worker reports it. Travels as flat
 * {@link IpcMessage} attributes ({@code worker.0.pid=4711}).
 *
 * @param primaryPid the primary's process id
 * @param started when the primary started
 * @param uptimeMillis how long the primary has run
 * @param primaryResidentBytes the primary's resident memory (it runs no user code)
 * @param configuredInstances the number of workers the cluster should have
 * @param readyInstances the number of workers accepting traffic
 * @param port the shared application port
 * @param managementPort the management port every worker serves, if separate
 * @param sharing how the application port is shared
 * @param workers every worker process the primary tracks, by id
 * @param reload the current or last reload, if any
 */
public record ClusterStatus(long primaryPid, Instant started, long uptimeMillis, long primaryResidentBytes,
		int configuredInstances, int readyInstances, int port, @Nullable Integer managementPort, String sharing,
		List<Worker> workers, @Nullable Reload reload) {

	/**
	 * One worker process.
	 *
	 * @param id the stable worker id
	 * @param pid the process id
	 * @param state {@code starting}, {@code ready}, {@code draining}, {@code stopped} or
	 * {@code failed}
	 * @param started when it was forked
	 * @param uptimeMillis how long it has run
	 * @param restarts how often this worker id was restarted after a failure
	 * @param lastExit how the previous process of this id ended, if one did
	 * @param heapUsedBytes heap in use at the last heartbeat
	 * @param heapMaxBytes maximum heap
	 * @param residentBytes resident memory at the last heartbeat
	 * @param requests requests served by this process
	 */
	public record Worker(int id, long pid, String state, Instant started, long uptimeMillis, int restarts,
			@Nullable Exit lastExit, long heapUsedBytes, long heapMaxBytes, long residentBytes, long requests) {

	}

	/**
	 * How a worker process ended.
	 *
	 * @param code the exit code
	 * @param signal the signal that killed it, if one did
	 * @param reason why: {@code requested}, {@code crashed}, {@code startup-timeout},
	 * {@code reload-failed}...
	 */
	public record Exit(int code, @Nullable String signal, String reason) {

	}

	/**
	 * A rolling reload.
	 *
	 * @param id its id
	 * @param state {@code running}, {@code succeeded}, {@code failed} or {@code aborted}
	 * @param started when it started
	 * @param finished when it finished, if it did
	 * @param outcome what happened, in words
	 * @param steps one step per replaced worker
	 */
	public record Reload(String id, String state, Instant started, @Nullable Instant finished, String outcome,
			List<Step> steps) {

	}

	/**
	 * The replacement of one worker within a reload.
	 *
	 * @param workerId the worker id
	 * @param oldPid the replaced process
	 * @param newPid the replacement, if it was started
	 * @param readyMillis from start of the replacement to ready, if it became ready
	 * @param drainMillis from asking the old process to stop to its exit, if it exited
	 */
	public record Step(int workerId, long oldPid, @Nullable Long newPid, @Nullable Long readyMillis,
			@Nullable Long drainMillis) {

	}

	/**
	 * Flatten into message attributes.
	 * @return the attributes
	 */
	public Map<String, String> toAttributes() {
		Attributes out = new Attributes();
		out.put("primary-pid", this.primaryPid);
		out.put("started", this.started);
		out.put("uptime", this.uptimeMillis);
		out.put("primary-rss", this.primaryResidentBytes);
		out.put("configured", this.configuredInstances);
		out.put("ready", this.readyInstances);
		out.put("port", this.port);
		out.put("management-port", this.managementPort);
		out.put("sharing", this.sharing);
		out.put("workers", this.workers.size());
		for (int i = 0; i < this.workers.size(); i++) {
			Worker worker = this.workers.get(i);
			String p = "worker." + i + ".";
			out.put(p + "id", worker.id);
			out.put(p + "pid", worker.pid);
			out.put(p + "state", worker.state);
			out.put(p + "started", worker.started);
			out.put(p + "uptime", worker.uptimeMillis);
			out.put(p + "restarts", worker.restarts);
			if (worker.lastExit != null) {
				out.put(p + "exit.code", worker.lastExit.code);
				out.put(p + "exit.signal", worker.lastExit.signal);
				out.put(p + "exit.reason", worker.lastExit.reason);
			}
			out.put(p + "heap-used", worker.heapUsedBytes);
			out.put(p + "heap-max", worker.heapMaxBytes);
			out.put(p + "rss", worker.residentBytes);
			out.put(p + "requests", worker.requests);
		}
		if (this.reload != null) {
			out.put("reload.id", this.reload.id);
			out.put("reload.state", this.reload.state);
			out.put("reload.started", this.reload.started);
			out.put("reload.finished", this.reload.finished);
			out.put("reload.outcome", this.reload.outcome);
			out.put("reload.steps", this.reload.steps.size());
			for (int i = 0; i < this.reload.steps.size(); i++) {
				Step step = this.reload.steps.get(i);
				String p = "reload.step." + i + ".";
				out.put(p + "worker", step.workerId);
				out.put(p + "old-pid", step.oldPid);
				out.put(p + "new-pid", step.newPid);
				out.put(p + "ready", step.readyMillis);
				out.put(p + "drain", step.drainMillis);
			}
		}
		return out.map;
	}

	/**
	 * Rebuild from message attributes.
	 * @param attributes the attributes
	 * @return the status
	 */
	public static ClusterStatus fromAttributes(Map<String, String> attributes) {
		Reader in = new Reader(attributes);
		List<Worker> workers = new ArrayList<>();
		for (int i = 0; i < in.integer("workers"); i++) {
			String p = "worker." + i + ".";
			Exit exit = (in.optional(p + "exit.code", Integer::valueOf) != null) ? new Exit(in.integer(p + "exit.code"),
					in.optional(p + "exit.signal", Function.identity()), in.text(p + "exit.reason")) : null;
			workers.add(new Worker(in.integer(p + "id"), in.number(p + "pid"), in.text(p + "state"),
					in.instant(p + "started"), in.number(p + "uptime"), in.integer(p + "restarts"), exit,
					in.number(p + "heap-used"), in.number(p + "heap-max"), in.number(p + "rss"),
					in.number(p + "requests")));
		}
		Reload reload = null;
		if (attributes.containsKey("reload.id")) {
			List<Step> steps = new ArrayList<>();
			for (int i = 0; i < in.integer("reload.steps"); i++) {
				String p = "reload.step." + i + ".";
				steps.add(new Step(in.integer(p + "worker"), in.number(p + "old-pid"),
						in.optional(p + "new-pid", Long::valueOf), in.optional(p + "ready", Long::valueOf),
						in.optional(p + "drain", Long::valueOf)));
			}
			reload = new Reload(in.text("reload.id"), in.text("reload.state"), in.instant("reload.started"),
					in.optional("reload.finished", Instant::parse), in.text("reload.outcome"), steps);
		}
		return new ClusterStatus(in.number("primary-pid"), in.instant("started"), in.number("uptime"),
				in.number("primary-rss"), in.integer("configured"), in.integer("ready"), in.integer("port"),
				in.optional("management-port", Integer::valueOf), in.text("sharing"), workers, reload);
	}

	private static final class Attributes {

		private final Map<String, String> map = new LinkedHashMap<>();

		void put(String name, @Nullable Object value) {
			if (value != null) {
				this.map.put(name, value.toString());
			}
		}

	}

	private record Reader(Map<String, String> attributes) {

		String text(String name) {
			String value = this.attributes.get(name);
			if (value == null) {
				throw new IllegalArgumentException("Cluster status has no '" + name + "'");
			}
			return value;
		}

		int integer(String name) {
			return Integer.parseInt(text(name));
		}

		long number(String name) {
			return Long.parseLong(text(name));
		}

		Instant instant(String name) {
			return Instant.parse(text(name));
		}

		<T> @Nullable T optional(String name, Function<String, T> parser) {
			String value = this.attributes.get(name);
			return (value != null) ? parser.apply(value) : null;
		}

	}

}
