package dev.bootcluster.primary;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.mock.env.MockEnvironment;

import dev.bootcluster.config.ClusterProperties;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PrimaryTests {

	@Test
	void aReactiveApplicationIsRefusedBeforeAnythingIsBound() {
		SpringApplication application = new SpringApplication(PrimaryTests.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		ClusterProperties properties = new ClusterProperties();
		properties.setInstances("2");
		MockEnvironment environment = new MockEnvironment();
		environment.getPropertySources()
			.addFirst(
					new org.springframework.core.env.MapPropertySource("ports", java.util.Map.of("server.port", "0")));
		assertThatExceptionOfType(ClusterStartupException.class)
			.isThrownBy(() -> new Primary(application, new String[0], environment, properties).run())
			.withMessageContaining("servlet web applications (Spring MVC on Tomcat or Jetty)")
			.withMessageContaining("REACTIVE")
			.satisfies((ex) -> org.assertj.core.api.Assertions.assertThat(ex.getAction())
				.contains("spring-boot-starter-webmvc"));
	}

	@Test
	void moreWorkersThanTheLimitAreRefusedBeforeAnythingIsBound() {
		SpringApplication application = new SpringApplication(PrimaryTests.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		ClusterProperties properties = new ClusterProperties();
		properties.setInstances("99999");
		properties.setMaxInstances(8);
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> new Primary(application, new String[0], new MockEnvironment(), properties).run())
			.satisfies(
					(ex) -> org.assertj.core.api.Assertions.assertThat(ex.getName()).isEqualTo("app.cluster.instances"))
			.satisfies((ex) -> org.assertj.core.api.Assertions.assertThat(ex.getReason())
				.isEqualTo("99999 workers are more than the 8 allowed (app.cluster.max-instances); "
						+ "set app.cluster.max-instances (up to 256) to allow more."));
	}

}
