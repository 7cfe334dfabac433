/**
 * The primary process: owns the shared socket and supervises the worker JVMs.
 */
@NullMarked
package dev.bootcluster.primary;

import org.jspecify.annotations.NullMarked;
