package dev.bootcluster.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for running the application as a cluster of worker JVMs.
 *
 * @see InstanceCount
 */
@ConfigurationProperties("app.cluster")
public class ClusterProperties {

	/** The largest {@code max-instances} accepted. */
	public static final int MAX_INSTANCES_LIMIT = 256;

	/** The largest {@code worker.warmup.requests} accepted. */
	public static final int MAX_WARMUP_REQUESTS = 10_000;

	/** The largest {@code worker.max-requests} accepted. */
	public static final long MAX_REQUESTS_LIMIT = 1_000_000_000L;

	/** The smallest {@code worker.max-memory} accepted, in megabytes. */
	public static final long MIN_MAX_MEMORY_MEGABYTES = 64;

	/** The shortest {@code worker.heartbeat-timeout} accepted. */
	public static final Duration MIN_HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);

	/** The longest {@code worker.warmup.compiler-head-start} accepted. */
	public static final Duration MAX_COMPILER_HEAD_START = Duration.ofMinutes(5);

	/** The longest {@code worker.slow-start} accepted. */
	public static final Duration MAX_SLOW_START = Duration.ofMinutes(5);

	/**
	 * Whether cluster mode may be used. When false the application runs as one plain JVM
	 * whatever 'instances' says.
	 */
	private boolean enabled = true;

	/**
	 * Number of worker JVMs: 'max' (all cores this JVM sees, container-aware), a positive
	 * number, or '-N' for all cores but N (at least 1). Unset runs one plain JVM.
	 */
	private @Nullable String instances;

	/**
	 * How long a worker may take to report that it accepts traffic before it is killed
	 * and counted as a failure.
	 */
	private Duration startupTimeout = Duration.ofSeconds(60);

	/**
	 * How long a stopping worker may drain in-flight requests before it is killed.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(30);

	/**
	 * Most workers the cluster may have, at startup and when scaled at runtime (at most
	 * 256). Unset: 4 per core and one per 256 MB of the memory this JVM sees, whichever
	 * is lower.
	 */
	private @Nullable Integer maxInstances;

	/**
	 * How failed workers are restarted, and when a crash loop stops the cluster.
	 */
	private final Restart restart = new Restart();

	/**
	 * How worker JVMs are launched, warmed up and kept healthy.
	 */
	private final Worker worker = new Worker();

	/**
	 * How the cluster's metrics are scraped.
	 */
	private final Metrics metrics = new Metrics();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getInstances() {
		return this.instances;
	}

	public void setInstances(@Nullable String instances) {
		this.instances = instances;
	}

	public Duration getStartupTimeout() {
		return this.startupTimeout;
	}

	public void setStartupTimeout(Duration startupTimeout) {
		this.startupTimeout = startupTimeout;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public @Nullable Integer getMaxInstances() {
		return this.maxInstances;
	}

	public void setMaxInstances(@Nullable Integer maxInstances) {
		this.maxInstances = maxInstances;
	}

	public Restart getRestart() {
		return this.restart;
	}

	public Worker getWorker() {
		return this.worker;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	/**
	 * Whether this configuration asks for a primary with workers.
	 * @return true when enabled and 'instances' is set
	 */
	public boolean isClusterRequested() {
		return this.enabled && this.instances != null;
	}

	/**
	 * How crashed workers are restarted.
	 */
	public static class Restart {

		/**
		 * Delay before the first restart of a failed worker, multiplied by 'multiplier'
		 * after each failure in a row. A worker that served and ran for 'stable-uptime'
		 * is restarted at once; only a failure soon after that waits.
		 */
		private Duration initialBackoff = Duration.ofSeconds(1);

		/**
		 * Longest delay between restarts of the same worker.
		 */
		private Duration maxBackoff = Duration.ofSeconds(30);

		/**
		 * Factor applied to the delay after each consecutive failure.
		 */
		private double multiplier = 2.0;

		/**
		 * Uptime after which a worker counts as stable: when it fails, its earlier
		 * failures no longer count, it is restarted at once if it had served, and its
		 * delay goes back to the initial backoff.
		 */
		private Duration stableUptime = Duration.ofSeconds(30);

		/**
		 * Failures of one worker within 'window' after which the primary gives up, stops
		 * every worker and exits with a non-zero code. Only failures of a worker that
		 * cannot run count: one that ends before it is ready, or crashes within
		 * 'min-ready-time' of it.
		 */
		private int maxAttempts = 5;

		/**
		 * How long a worker must have been ready for its crash (an exit of its own) not
		 * to count toward 'max-attempts'. A ready worker killed from outside (SIGKILL,
		 * the OOM killer, a SIGTERM from another process) never counts: it is restarted
		 * with backoff and never stops the cluster.
		 */
		private Duration minReadyTime = Duration.ofSeconds(10);

		/**
		 * Time window in which failures are counted against 'max-attempts'.
		 */
		private Duration window = Duration.ofMinutes(5);

		/**
		 * Whether a worker restarted because its process failed after it had served (a
		 * ready worker killed from outside, or one that crashed after 'min-ready-time')
		 * starts at a higher CPU priority than the serving workers (nice 5 below the
		 * primary's) and returns to the primary's once ready, so that the capacity it had
		 * comes back sooner under load. A worker that failed before it served starts at
		 * normal priority. Linux, where the primary may lower a nice value below its own
		 * (root, CAP_SYS_NICE or RLIMIT_NICE); elsewhere restarts start at normal
		 * priority.
		 */
		private boolean urgent = true;

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getStableUptime() {
			return this.stableUptime;
		}

		public void setStableUptime(Duration stableUptime) {
			this.stableUptime = stableUptime;
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getWindow() {
			return this.window;
		}

		public Duration getMinReadyTime() {
			return this.minReadyTime;
		}

		public void setMinReadyTime(Duration minReadyTime) {
			this.minReadyTime = minReadyTime;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public boolean isUrgent() {
			return this.urgent;
		}

		public void setUrgent(boolean urgent) {
			this.urgent = urgent;
		}

	}

	/**
	 * How worker JVMs are launched.
	 */
	public static class Worker {

		/**
		 * Extra JVM options for every worker, added to the primary's own. An option that
		 * names a flag the primary already has (-Xmx, -XX:Name, -Dname) replaces it.
		 * Setting -XX:ActiveProcessorCount or a heap size here turns off the default
		 * sizing.
		 */
		private List<String> jvmArgs = new ArrayList<>();

		/**
		 * Whether each worker runs only on its own share of the primary's CPUs (Linux):
		 * worker i gets the allowed CPUs i*k to i*k+k-1, k being the cores per worker,
		 * and keeps them across restarts. 'auto' pins when the workers split every
		 * allowed CPU evenly (at least two workers, the default core sizing, no CPU quota
		 * below the allowed CPUs); 'on' always pins; 'off' never does. A pinned worker
		 * cannot borrow an idle CPU from another worker.
		 */
		private CpuAffinity cpuAffinity = CpuAffinity.AUTO;

		/**
		 * Whether workers start with an archive of the application's classes that the
		 * primary creates in the background for the jar it runs, so that they start
		 * faster: 'auto' for a 'java -jar' launch (JDK 17 to 24: a dynamic CDS archive,
		 * mapped at the address it was made for so that the workers share its read-only
		 * pages; JDK 25 and later: an AOT cache); 'randomized' the same, but each worker
		 * maps it where the JDK's default mode puts it, a random address, and holds its
		 * own copy; 'off' never.
		 */
		private ClassDataSharing classDataSharing = ClassDataSharing.AUTO;

		/**
		 * Directory for the class data archives, one per jar content and JDK. Default:
		 * 'boot-cluster-class-data' in the temporary directory.
		 */
		private @Nullable String classDataCache;

		/**
		 * Whether a worker that replaces one still serving (a reload, a worker recycled
		 * for max-requests or max-memory) starts at a lower CPU priority (nice 10 above
		 * the primary's) and returns to the primary's once ready, so that its start-up
		 * takes only CPU time the serving workers leave; while it gets less than a
		 * quarter of a core, its priority is raised by two nice values every 2 s. Linux,
		 * where /usr/bin/nice exists and a worker may lower its nice value again (root,
		 * CAP_SYS_NICE or RLIMIT_NICE); elsewhere replacements start at normal priority.
		 * A worker restarted after an exit never starts gently (see
		 * 'app.cluster.restart.urgent').
		 */
		private boolean gentleStart = true;

		/**
		 * Whether a worker (Tomcat) that holds more than one connection above the least
		 * loaded worker closes half of that lead after their next responses ('Connection:
		 * close'), so that the clients' new connections even out the split. While the
		 * lead lasts, this happens at most every 100ms, twice as long each time up to
		 * 3.2s. Off: keep-alive connections stay with the worker that accepted them until
		 * 'server.tomcat.max-keep-alive-requests'.
		 */
		private boolean handBackConnections = true;

		/**
		 * Whether a worker pinned to CPUs of its own ('cpu-affinity') holds fewer
		 * connections while other processes take part of those CPUs: every 0.5s it
		 * measures the share of their time they were idle or ran it (or niced processes)
		 * in /proc/stat, smoothed, and counts each connection it holds as the inverse of
		 * that share, at most twice, so that beside a process that keeps its CPU busy it
		 * holds about half as many as a worker with its CPU to itself. Off: as many as
		 * the others however slowly it serves. Workers that are not pinned are left to
		 * the kernel, which moves them off a busy CPU.
		 */
		private boolean cpuAwareBalance = true;

		/**
		 * How long a worker that joins serving workers (a reload's replacement, a
		 * restarted, recycled or added worker; not the first workers, which start
		 * together, nor the restart of a cluster's only worker, which has no other to
		 * leave connections to) takes a growing share of the connections once ready: it
		 * counts each connection it holds as more than one, so that at first it holds a
		 * quarter as many as the least loaded other worker, at the end as many. Its code
		 * is not compiled yet: with fewer connections its clients wait less, and the warm
		 * workers take the rest. 0 turns it off; at most 5m.
		 */
		private Duration slowStart = Duration.ofSeconds(15);

		/**
		 * Resident memory above which a worker is replaced the way a reload replaces it
		 * (its replacement ready first, then it drains), such as 700MB. Compared with the
		 * process's resident set, as the kernel (and its OOM killer) counts it: set it
		 * above the heap maximum plus the JVM's own memory. A worker over it right after
		 * it started is reported and not replaced. Unset: no limit.
		 */
		private @Nullable DataSize maxMemory;

		/**
		 * Requests after which a worker is replaced the way a reload replaces it. Unset:
		 * no limit.
		 */
		private @Nullable Long maxRequests;

		/**
		 * Up to this many requests are added to 'max-requests', drawn for each worker
		 * process, so that workers started together are not all replaced at once.
		 */
		private long maxRequestsJitter;

		/**
		 * How long a ready worker may go without a heartbeat (sent every 2s), or with
		 * every request thread busy and none finishing a request, before it counts as
		 * hung: its thread dump is written to the log, a replacement starts, and it is
		 * stopped (killed after the shutdown timeout).
		 */
		private Duration heartbeatTimeout = Duration.ofSeconds(30);

		/**
		 * What a new worker does before it takes connections from the shared port.
		 */
		private final Warmup warmup = new Warmup();

		public List<String> getJvmArgs() {
			return this.jvmArgs;
		}

		public void setJvmArgs(List<String> jvmArgs) {
			this.jvmArgs = jvmArgs;
		}

		public boolean isHandBackConnections() {
			return this.handBackConnections;
		}

		public void setHandBackConnections(boolean handBackConnections) {
			this.handBackConnections = handBackConnections;
		}

		public boolean isCpuAwareBalance() {
			return this.cpuAwareBalance;
		}

		public void setCpuAwareBalance(boolean cpuAwareBalance) {
			this.cpuAwareBalance = cpuAwareBalance;
		}

		public Duration getSlowStart() {
			return this.slowStart;
		}

		public void setSlowStart(Duration slowStart) {
			this.slowStart = slowStart;
		}

		public boolean isGentleStart() {
			return this.gentleStart;
		}

		public void setGentleStart(boolean gentleStart) {
			this.gentleStart = gentleStart;
		}

		public ClassDataSharing getClassDataSharing() {
			return this.classDataSharing;
		}

		public void setClassDataSharing(ClassDataSharing classDataSharing) {
			this.classDataSharing = classDataSharing;
		}

		public @Nullable String getClassDataCache() {
			return this.classDataCache;
		}

		public void setClassDataCache(@Nullable String classDataCache) {
			this.classDataCache = classDataCache;
		}

		public CpuAffinity getCpuAffinity() {
			return this.cpuAffinity;
		}

		public void setCpuAffinity(CpuAffinity cpuAffinity) {
			this.cpuAffinity = cpuAffinity;
		}

		public @Nullable DataSize getMaxMemory() {
			return this.maxMemory;
		}

		public void setMaxMemory(@Nullable DataSize maxMemory) {
			this.maxMemory = maxMemory;
		}

		public @Nullable Long getMaxRequests() {
			return this.maxRequests;
		}

		public void setMaxRequests(@Nullable Long maxRequests) {
			this.maxRequests = maxRequests;
		}

		public long getMaxRequestsJitter() {
			return this.maxRequestsJitter;
		}

		public void setMaxRequestsJitter(long maxRequestsJitter) {
			this.maxRequestsJitter = maxRequestsJitter;
		}

		public Duration getHeartbeatTimeout() {
			return this.heartbeatTimeout;
		}

		public void setHeartbeatTimeout(Duration heartbeatTimeout) {
			this.heartbeatTimeout = heartbeatTimeout;
		}

		public Warmup getWarmup() {
			return this.warmup;
		}

	}

	/**
	 * How the cluster's metrics are scraped.
	 */
	public static class Metrics {

		/**
		 * Whether /actuator/prometheus, on any worker, answers with the series of every
		 * live worker (each labelled worker="id") and the primary's own. When false each
		 * worker reports only itself, for scraping workers one by one.
		 */
		private boolean aggregate = true;

		/**
		 * How long a cluster scrape waits for each worker's metrics (100ms to 30s); a
		 * worker that does not answer in time is left out and counted in
		 * cluster_scrape_missing.
		 */
		private Duration scrapeTimeout = Duration.ofSeconds(2);

		public boolean isAggregate() {
			return this.aggregate;
		}

		public void setAggregate(boolean aggregate) {
			this.aggregate = aggregate;
		}

		public Duration getScrapeTimeout() {
			return this.scrapeTimeout;
		}

		public void setScrapeTimeout(Duration scrapeTimeout) {
			this.scrapeTimeout = scrapeTimeout;
		}

	}

	/**
	 * Whether workers start with a class data archive of the application.
	 */
	public enum ClassDataSharing {

		/**
		 * Create the archive for a 'java -jar' launch and start workers with it; a
		 * dynamic CDS archive (JDK 17 to 24) mapped at the address it was made for
		 * ({@code -XX:ArchiveRelocationMode=0}), so that they share its read-only pages.
		 */
		AUTO,

		/**
		 * As {@link #AUTO}, but each worker maps the archive where the JDK's default
		 * {@code ArchiveRelocationMode} puts it (a random address in the JDK 17.0.15 and
		 * 25 builds tested here) and rewrites the pointers in it, so each holds its own
		 * copy of most of the archive's pages.
		 */
		RANDOMIZED,

		/**
		 * Start workers without an archive of the application's classes.
		 */
		OFF

	}

	/**
	 * Whether workers are pinned to CPUs of their own.
	 */
	public enum CpuAffinity {

		/**
		 * Pin when the workers split every CPU the primary may use evenly.
		 */
		AUTO,

		/**
		 * Always pin (also accepted as 'true').
		 */
		ON,

		/**
		 * Never pin (also accepted as 'false').
		 */
		OFF

	}

	/**
	 * What a new worker does before it takes connections from the shared port. It only
	 * starts accepting there once the application is ready (accepting traffic); with
	 * warm-up paths it first serves requests to itself on a private loopback connector,
	 * so that its first real clients do not pay for class loading and cold code.
	 */
	public static class Warmup {

		/**
		 * Paths (with optional query) requested with GET before the worker takes traffic,
		 * such as /api/items. Responses are discarded; any status is accepted. Empty: no
		 * warm-up requests. With a management port, the first round and every tenth also
		 * request the ping health indicator from the worker's own management server.
		 */
		private List<String> paths = new ArrayList<>();

		/**
		 * How many times each path is requested (at most 10000).
		 */
		private int requests = 20;

		/**
		 * Upper bound for the whole warm-up; when it is reached the worker takes traffic
		 * anyway.
		 */
		private Duration timeout = Duration.ofSeconds(10);

		/**
		 * Whether a worker that replaces one still serving (a reload, a recycled worker)
		 * goes on warming up after its requests, round after round, while the JIT
		 * compiler still works on the code they run, until it settles or the timeout is
		 * reached: code compiled then is not compiled while clients wait. Workers that
		 * add capacity (a scale-up, a restart) take traffic after their requests; the
		 * cluster's first workers follow {@code first-workers-until-compiled}.
		 */
		private boolean untilCompiled = true;

		/**
		 * Whether the cluster's first workers (launched while none is ready, before the
		 * cluster was ready for the first time) go on warming up the same way: the
		 * cluster is ready about the timeout later, and its first clients meet code that
		 * each worker would otherwise compile on its own core while they wait.
		 */
		private boolean firstWorkersUntilCompiled = true;

		/**
		 * How long the C2 JIT compiler threads of each of the cluster's first workers run
		 * 5 nice values ahead of its other threads once it takes traffic, so that the
		 * request path is compiled sooner under the first load; then on while the
		 * compiler is still busy, up to as long again. Only where a worker may lower a
		 * nice value (CAP_SYS_NICE, as root outside a container, or RLIMIT_NICE);
		 * elsewhere it logs why not. 0 turns it off; at most 5m.
		 */
		private Duration compilerHeadStart = Duration.ofSeconds(10);

		public List<String> getPaths() {
			return this.paths;
		}

		public void setPaths(List<String> paths) {
			this.paths = paths;
		}

		public int getRequests() {
			return this.requests;
		}

		public void setRequests(int requests) {
			this.requests = requests;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public boolean isUntilCompiled() {
			return this.untilCompiled;
		}

		public void setUntilCompiled(boolean untilCompiled) {
			this.untilCompiled = untilCompiled;
		}

		public boolean isFirstWorkersUntilCompiled() {
			return this.firstWorkersUntilCompiled;
		}

		public void setFirstWorkersUntilCompiled(boolean firstWorkersUntilCompiled) {
			this.firstWorkersUntilCompiled = firstWorkersUntilCompiled;
		}

		public Duration getCompilerHeadStart() {
			return this.compilerHeadStart;
		}

		public void setCompilerHeadStart(Duration compilerHeadStart) {
			this.compilerHeadStart = compilerHeadStart;
		}

	}

}
