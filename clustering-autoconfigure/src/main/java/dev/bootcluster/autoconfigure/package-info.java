/**
 * Auto-configuration and configuration properties for Boot Cluster.
 */
@NullMarked
package dev.bootcluster.autoconfigure;

import org.jspecify.annotations.NullMarked;
