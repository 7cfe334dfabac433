package dev.bootcluster.autoconfigure;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

import dev.bootcluster.scheduling.ClusterSingleton;
import dev.bootcluster.scheduling.ClusterSingletonBeanPostProcessor;
import dev.bootcluster.scheduling.SingletonGate;

/**
 * {@link ClusterSingleton @ClusterSingleton} support. In a worker the gate is the one the
 * primary opens for one worker at a time; in a single JVM it is always open.
 */
@AutoConfiguration
public final class ClusterSingletonAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SingletonGate clusterSingletonGate() {
		return new SingletonGate(true);
	}

	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static ClusterSingletonBeanPostProcessor clusterSingletonBeanPostProcessor() {
		return new ClusterSingletonBeanPostProcessor();
	}

}
