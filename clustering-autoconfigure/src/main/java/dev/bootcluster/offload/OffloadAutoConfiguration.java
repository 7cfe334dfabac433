package dev.bootcluster.offload;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * {@link Offload @Offload} support: the pools, the proxying post-processor, metrics when
 * Micrometer is present, and the 503 mapping in Spring MVC applications. Works with or
 * without cluster mode.
 */
@AutoConfiguration
@EnableConfigurationProperties(OffloadProperties.class)
public final class OffloadAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OffloadPools offloadPools(OffloadProperties properties) {
		return new OffloadPools(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static OffloadAnnotationBeanPostProcessor offloadAnnotationBeanPostProcessor() {
		return new OffloadAnnotationBeanPostProcessor();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		OffloadMetrics offloadMetrics(OffloadPools pools, ObjectProvider<MeterRegistry> registry) {
			return new OffloadMetrics(pools, registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(DispatcherServlet.class)
	static class WebMvcConfiguration {

		@Bean
		@ConditionalOnMissingBean
		OffloadExceptionHandler offloadExceptionHandler() {
			return new OffloadExceptionHandler();
		}

	}

}
