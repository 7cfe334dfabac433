/**
 * The worker side of a cluster: readiness reporting and watching the primary.
 */
@NullMarked
package dev.bootcluster.worker;

import org.jspecify.annotations.NullMarked;
