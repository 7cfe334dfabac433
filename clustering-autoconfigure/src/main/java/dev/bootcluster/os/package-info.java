/**
 * The operating system underneath both sides of a cluster: the one binding to the Linux C
 * library (sockets, standard streams, CPU affinity, the native heap) and what
 * {@code /proc} says about this process.
 */
@NullMarked
package dev.bootcluster.os;

import org.jspecify.annotations.NullMarked;
