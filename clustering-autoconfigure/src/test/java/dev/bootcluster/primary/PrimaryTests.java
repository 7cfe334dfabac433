package dev.bootcluster.primary;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.mock.env.MockEnvironment;

import dev.bootcluster.autoconfigure.ClusterProperties;

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

}
