package dev.bootcluster.autoconfigure;

import java.util.Set;
import java.util.TreeSet;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.bootcluster.actuate.ClusterEndpoint;
import dev.bootcluster.actuate.ClusterHealthIndicator;
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

		/**
		 * Rejects fields an operation does not take ({@code {"force": true}} for a
		 * reload) instead of ignoring them, so a typo never passes for a request.
		 * @return the advisor
		 */
		@Bean
		static OperationInvokerAdvisor clusterEndpointUnknownFieldAdvisor() {
			return (endpointId, operationType, parameters, invoker) -> {
				if (!endpointId.equals(EndpointId.of("cluster"))) {
					return invoker;
				}
				Set<String> known = new TreeSet<>();
				parameters.stream().forEach((parameter) -> known.add(parameter.getName()));
				return (context) -> {
					for (String name : context.getArguments().keySet()) {
						if (!known.contains(name)) {
							return new WebEndpointResponse<>(
									new ClusterEndpoint.ErrorDescriptor(
											"Unknown field '" + name + "'; accepted: " + known),
									WebEndpointResponse.STATUS_BAD_REQUEST);
						}
					}
					return invoker.invoke(context);
				};
			};
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
