/**
 * The contract between the primary and its workers, the only code both sides share: the
 * typed messages and their codec, the Unix socket channel, the launch environment a
 * worker is started with, and the connection table in shared memory.
 */
@NullMarked
package dev.bootcluster.ipc;

import org.jspecify.annotations.NullMarked;
