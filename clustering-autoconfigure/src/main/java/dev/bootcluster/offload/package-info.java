/**
 * {@code @Offload}: CPU-heavy methods run on a bounded pool sized to the cores this
 * process owns.
 */
@NullMarked
package dev.bootcluster.offload;

import org.jspecify.annotations.NullMarked;
