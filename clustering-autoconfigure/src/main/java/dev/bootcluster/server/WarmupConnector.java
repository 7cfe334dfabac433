package dev.bootcluster.server;

import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.util.ClassUtils;

/**
 * A private HTTP connector on an ephemeral loopback port, added to a worker's running web
 * server so that the worker can send requests to itself before it takes connections from
 * the shared port. Closing it removes it from the server.
 */
public abstract class WarmupConnector implements AutoCloseable {

	private static final String LOOPBACK = "127.0.0.1";

	private static final boolean TOMCAT_PRESENT = ClassUtils
		.isPresent("org.springframework.boot.tomcat.TomcatWebServer", WarmupConnector.class.getClassLoader());

	private static final boolean JETTY_PRESENT = ClassUtils.isPresent("org.springframework.boot.jetty.JettyWebServer",
			WarmupConnector.class.getClassLoader());

	/**
	 * Add a loopback connector to a running web server.
	 * @param webServer the worker's web server
	 * @return the started connector, or {@code null} for a server this does not support
	 * @throws Exception if the connector could not be started
	 */
	public static @Nullable WarmupConnector open(WebServer webServer) throws Exception {
		// Each server's types are touched only when that server is on the class path.
		WarmupConnector connector = TOMCAT_PRESENT ? Tomcat.openOn(webServer) : null;
		if (connector == null && JETTY_PRESENT) {
			connector = Jetty.openOn(webServer);
		}
		return connector;
	}

	/**
	 * The loopback port it listens on.
	 * @return the port
	 */
	public abstract int port();

	@Override
	public abstract void close() throws Exception;

	private static final class Tomcat extends WarmupConnector {

		private final Service service;

		private final Connector connector = new Connector("HTTP/1.1");

		static @Nullable WarmupConnector openOn(WebServer webServer) {
			return (webServer instanceof TomcatWebServer tomcat) ? new Tomcat(tomcat.getTomcat().getService()) : null;
		}

		Tomcat(Service service) {
			this.service = service;
			this.connector.setPort(0);
			this.connector.setProperty("address", LOOPBACK);
			// Adding a connector to a started service starts it.
			service.addConnector(this.connector);
		}

		@Override
		public int port() {
			return this.connector.getLocalPort();
		}

		@Override
		public void close() throws Exception {
			this.service.removeConnector(this.connector);
			this.connector.destroy();
		}

	}

	private static final class Jetty extends WarmupConnector {

		private final Server server;

		private final ServerConnector connector;

		static @Nullable WarmupConnector openOn(WebServer webServer) throws Exception {
			return (webServer instanceof JettyWebServer jetty) ? new Jetty(jetty.getServer()) : null;
		}

		Jetty(Server server) throws Exception {
			this.server = server;
			this.connector = new ServerConnector(server);
			this.connector.setHost(LOOPBACK);
			this.connector.setPort(0);
			server.addConnector(this.connector);
			this.connector.start();
		}

		@Override
		public int port() {
			return this.connector.getLocalPort();
		}

		@Override
		public void close() throws Exception {
			this.connector.stop();
			this.server.removeConnector(this.connector);
		}

	}

}
