/**
 * The entry point: decides at launch, from {@code app.cluster.*} bound once, whether this
 * JVM runs as the primary, a worker or a plain application, and starts that side.
 */
@NullMarked
package dev.bootcluster.launch;

import org.jspecify.annotations.NullMarked;
