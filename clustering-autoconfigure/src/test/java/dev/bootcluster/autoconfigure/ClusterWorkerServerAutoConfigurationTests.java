package dev.bootcluster.autoconfigure;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

import dev.bootcluster.ipc.WorkerLaunch;
import dev.bootcluster.server.InheritedChannelHttp11NioProtocol;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterWorkerServerAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterWorkerServerAutoConfiguration.class));

	@Test
	void aPlainApplicationBindsItsPortAsUsualEvenWithAWorkerIdProperty() {
		this.runner.withPropertyValues("app.cluster.worker-id=1")
			.run((context) -> assertThat(context).doesNotHaveBean(WebServerFactoryCustomizer.class));
	}

	@Test
	@SuppressWarnings("unchecked")
	void aWorkerServesTheSocketInheritedFromThePrimary() {
		this.runner.withBean(WorkerLaunch.class, ClusterWorkerServerAutoConfigurationTests::launch).run((context) -> {
			assertThat(context).hasBean("clusterTomcatInheritedChannelCustomizer");
			TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
			context.getBean("clusterTomcatInheritedChannelCustomizer", WebServerFactoryCustomizer.class)
				.customize(factory);
			assertThat(factory.getProtocol()).isEqualTo(InheritedChannelHttp11NioProtocol.class.getName());
		});
	}

	@Test
	void aReactiveApplicationGetsNoServletCustomization() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ClusterWorkerServerAutoConfiguration.class))
			.withBean(WorkerLaunch.class, ClusterWorkerServerAutoConfigurationTests::launch)
			.run((context) -> assertThat(context).doesNotHaveBean("clusterTomcatInheritedChannelCustomizer"));
	}

	private static WorkerLaunch launch() {
		return new WorkerLaunch(1, 2, Path.of("primary.sock"), "secret", 8080, null, 1, null, null, -1, null,
				WorkerLaunch.Start.ADDING);
	}

}
