package dev.bootcluster.primary;

import java.net.InetAddress;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Where the application and its management server listen, from Spring Boot's own
 * {@code server.*} and {@code management.server.*} properties: the primary binds the
 * shared port and checks the management port before any worker starts.
 *
 * @param port {@code server.port}
 * @param address {@code server.address}, {@code null} for every address
 * @param backlog the accept queue's length, {@code server.tomcat.accept-count}
 * @param managementPort {@code management.server.port}, if set
 * @param managementAddress {@code management.server.address}, if set
 */
record ServerPorts(int port, @Nullable InetAddress address, int backlog, @Nullable Integer managementPort,
		@Nullable InetAddress managementAddress) {

	private static final int DEFAULT_PORT = 8080;

	private static final int DEFAULT_BACKLOG = 100;

	/**
	 * Bind the ports from the environment.
	 * @param environment the environment with every Spring Boot property source
	 * @return the ports
	 */
	static ServerPorts bind(Environment environment) {
		Binder binder = Binder.get(environment);
		return new ServerPorts(binder.bind("server.port", Integer.class).orElse(DEFAULT_PORT),
				binder.bind("server.address", InetAddress.class).orElse(null),
				binder.bind("server.tomcat.accept-count", Integer.class).orElse(DEFAULT_BACKLOG),
				binder.bind("management.server.port", Integer.class).orElse(null),
				binder.bind("management.server.address", InetAddress.class).orElse(null));
	}

}
