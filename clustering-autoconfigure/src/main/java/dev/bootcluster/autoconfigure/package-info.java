/**
 * The auto-configurations of a worker: its web server on the inherited socket, the
 * management server, the {@code cluster} endpoint and health contributor.
 */
@NullMarked
package dev.bootcluster.autoconfigure;

import org.jspecify.annotations.NullMarked;
