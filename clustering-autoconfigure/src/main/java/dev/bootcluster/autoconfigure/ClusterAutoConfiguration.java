package dev.bootcluster.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Auto-configuration for Boot Cluster: binds and checks {@code app.cluster.*} in every
 * JVM, whether it is a worker or a plain application.
 */
@AutoConfiguration
@EnableConfigurationProperties(ClusterProperties.class)
public final class ClusterAutoConfiguration {

}
