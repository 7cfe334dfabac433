/**
 * The {@code cluster} actuator endpoint and health contributor, answered through the
 * primary for the whole cluster.
 */
@NullMarked
package dev.bootcluster.actuate;

import org.jspecify.annotations.NullMarked;
