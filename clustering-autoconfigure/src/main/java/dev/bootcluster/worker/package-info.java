/**
 * The worker's side of a cluster: the connection to the primary and the client operators'
 * requests go through, heartbeats, the readiness sequence (warm-up, CPUs, accept gate)
 * and the watch that ends an orphaned worker.
 */
@NullMarked
package dev.bootcluster.worker;

import org.jspecify.annotations.NullMarked;
