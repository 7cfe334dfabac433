package dev.bootcluster.autoconfigure;

import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.server.ReusePortHttp11NioProtocol;

/**
 * In a worker with a separate management port, lets every worker bind that port with
 * {@code SO_REUSEPORT}: only the application port travels as the inherited socket.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(WorkerLaunch.class)
class ClusterWorkerManagementServerConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Tomcat.class)
	static class TomcatConfiguration {

		@Bean
		WebServerFactoryCustomizer<TomcatServletWebServerFactory> clusterTomcatReusePortCustomizer() {
			return (factory) -> factory.setProtocol(ReusePortHttp11NioProtocol.class.getName());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Server.class, JettyServletWebServerFactory.class })
	static class JettyConfiguration {

		@Bean
		WebServerFactoryCustomizer<JettyServletWebServerFactory> clusterJettyReusePortCustomizer() {
			return (factory) -> factory.addServerCustomizers((server) -> {
				for (var connector : server.getConnectors()) {
					if (connector instanceof ServerConnector serverConnector) {
						serverConnector.setReusePort(true);
					}
				}
			});
		}

	}

}
