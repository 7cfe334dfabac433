/**
 * Decides at launch whether this JVM runs as the primary, a worker or a plain
 * application.
 */
@NullMarked
package dev.bootcluster.launch;

import org.jspecify.annotations.NullMarked;
