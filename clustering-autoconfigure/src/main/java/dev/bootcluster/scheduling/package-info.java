/**
 * Jobs that run on one worker of the cluster at a time: {@link ClusterSingleton} and the
 * gate the primary opens for exactly one worker.
 */
@NullMarked
package dev.bootcluster.scheduling;

import org.jspecify.annotations.NullMarked;
