package dev.bootcluster.server;

import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.util.ClassUtils;

/**
 * How many of a worker's request threads are busy, read from its web server's thread pool
 * (Tomcat's executor, Jetty's queued thread pool), so that the primary can tell a worker
 * whose every request thread is stuck from one that is merely busy.
 *
 * @param busy the threads running a request now
 * @param max the most threads the pool may have
 */
public record RequestThreads(IntSupplier busy, IntSupplier max) {

	/** A server whose pool is unknown: never counts as saturated. */
	public static final RequestThreads UNKNOWN = new RequestThreads(() -> 0, () -> 0);

	private static final boolean TOMCAT_PRESENT = ClassUtils
		.isPresent("org.springframework.boot.tomcat.TomcatWebServer", RequestThreads.class.getClassLoader());

	private static final boolean JETTY_PRESENT = ClassUtils.isPresent("org.springframework.boot.jetty.JettyWebServer",
			RequestThreads.class.getClassLoader());

	/**
	 * The request threads of a started web server.
	 * @param webServer the server, if there is one
	 * @return its threads, or {@link #UNKNOWN}
	 */
	public static RequestThreads of(@Nullable WebServer webServer) {
		RequestThreads threads = null;
		if (TOMCAT_PRESENT) {
			threads = Tomcat.of(webServer);
		}
		if (threads == null && JETTY_PRESENT) {
			threads = Jetty.of(webServer);
		}
		return (threads != null) ? threads : UNKNOWN;
	}

	private static final class Tomcat {

		static @Nullable RequestThreads of(@Nullable WebServer webServer) {
			if (!(webServer instanceof TomcatWebServer tomcat)) {
				return null;
			}
			for (Connector connector : tomcat.getTomcat().getService().findConnectors()) {
				Executor executor = connector.getProtocolHandler().getExecutor();
				if (executor instanceof ThreadPoolExecutor pool) {
					return new RequestThreads(pool::getActiveCount, pool::getMaximumPoolSize);
				}
			}
			return null;
		}

	}

	private static final class Jetty {

		static @Nullable RequestThreads of(@Nullable WebServer webServer) {
			if (!(webServer instanceof JettyWebServer jetty)) {
				return null;
			}
			ThreadPool pool = jetty.getServer().getThreadPool();
			if (pool instanceof QueuedThreadPool queued) {
				return new RequestThreads(queued::getBusyThreads, queued::getMaxThreads);
			}
			return null;
		}

	}

}
