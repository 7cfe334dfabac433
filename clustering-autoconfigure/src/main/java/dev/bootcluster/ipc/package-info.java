/**
 * The channel between the primary and its workers: messages, codec and transport.
 */
@NullMarked
package dev.bootcluster.ipc;

import org.jspecify.annotations.NullMarked;
