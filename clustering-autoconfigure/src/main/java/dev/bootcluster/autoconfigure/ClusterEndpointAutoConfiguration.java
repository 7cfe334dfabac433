package dev.bootcluster.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;

import dev.bootcluster.actuate.ClusterEndpoint;
import dev.bootcluster.actuate.ClusterHealthIndicator;
import dev.bootcluster.actuate.UnknownFieldAdvisor;
import dev.bootcluster.worker.ClusterClient;

/**
 * The {@code cluster} endpoint and health contributor, in a worker of a cluster.
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(ClusterClient.class)
public final class ClusterEndpointAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(ClusterEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClusterEndpoint clusterEndpoint(ClusterClient client) {
			return new ClusterEndpoint(client);
		}

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static UnknownFieldAdvisor clusterEndpointUnknownFieldAdvisor() {
			return new UnknownFieldAdvisor(EndpointId.of("cluster"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("cluster")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "clusterHealthIndicator")
		ClusterHealthIndicator clusterHealthIndicator(ClusterClient client) {
			return new ClusterHealthIndicator(client);
		}

	}

}
