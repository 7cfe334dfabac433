package dev.bootcluster.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

import dev.bootcluster.server.InheritedChannelHttp11NioProtocol;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterWorkerServerAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterWorkerServerAutoConfiguration.class));

	@Test
	void aPlainApplicationBindsItsPortAsUsual() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(WebServerFactoryCustomizer.class)
			.hasSingleBean(ClusterProperties.class));
	}

	@Test
	@SuppressWarnings("unchecked")
	void aWorkerServesTheSocketInheritedFromThePrimary() {
		this.runner.withPropertyValues("app.cluster.worker-id=1", "app.cluster.worker-count=2").run((context) -> {
			assertThat(context).hasBean("clusterTomcatInheritedChannelCustomizer");
			TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
			context.getBean("clusterTomcatInheritedChannelCustomizer", WebServerFactoryCustomizer.class)
				.customize(factory);
			assertThat(factory.getProtocol()).isEqualTo(InheritedChannelHttp11NioProtocol.class.getName());
			assertThat(context.getBean(ClusterProperties.class).getWorkerId()).isEqualTo(1);
		});
	}

	@Test
	void aReactiveApplicationGetsNoServletCustomization() {
		new org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ClusterWorkerServerAutoConfiguration.class))
			.withPropertyValues("app.cluster.worker-id=0")
			.run((context) -> assertThat(context).doesNotHaveBean("clusterTomcatInheritedChannelCustomizer"));
	}

}
