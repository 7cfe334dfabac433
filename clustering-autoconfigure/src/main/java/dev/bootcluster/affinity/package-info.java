/**
 * CPU affinity on Linux: which CPUs a process may run on, and moving every thread of a
 * worker JVM onto the CPUs the primary gave it.
 */
@NullMarked
package dev.bootcluster.affinity;

import org.jspecify.annotations.NullMarked;
