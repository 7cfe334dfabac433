package dev.bootcluster.autoconfigure;

import jakarta.servlet.Filter;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.server.InheritedChannelHttp11NioProtocol;
import dev.bootcluster.server.InheritedChannelServerConnector;
import dev.bootcluster.worker.WorkerAgent;

/**
 * In a worker, makes the web server accept on the socket inherited from the primary
 * instead of binding the port itself, and counts the requests it serves.
 */
@AutoConfiguration(
		beforeName = "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBean(WorkerLaunch.class)
public final class ClusterWorkerServerAutoConfiguration {

	@Bean
	@ConditionalOnBean(WorkerAgent.class)
	@ConditionalOnClass(Filter.class)
	Filter clusterRequestCounter(WorkerAgent agent) {
		return (request, response, chain) -> {
			try {
				chain.doFilter(request, response);
			}
			finally {
				agent.requestServed();
			}
		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Tomcat.class)
	static class TomcatConfiguration {

		@Bean
		WebServerFactoryCustomizer<TomcatServletWebServerFactory> clusterTomcatInheritedChannelCustomizer() {
			return (factory) -> factory.setProtocol(InheritedChannelHttp11NioProtocol.class.getName());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Server.class, JettyServletWebServerFactory.class })
	static class JettyConfiguration {

		@Bean
		WebServerFactoryCustomizer<JettyServletWebServerFactory> clusterJettyInheritedChannelCustomizer() {
			return (factory) -> factory.addServerCustomizers(inheritChannel());
		}

		private static JettyServerCustomizer inheritChannel() {
			return (server) -> {
				Connector[] connectors = server.getConnectors();
				for (int i = 0; i < connectors.length; i++) {
					if (connectors[i] instanceof ServerConnector configured) {
						connectors[i] = new InheritedChannelServerConnector(server, configured);
					}
				}
				server.setConnectors(connectors);
			};
		}

	}

}
