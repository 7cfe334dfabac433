/**
 * Sharing one listening port between worker JVMs (inherited socket, web server adapters).
 */
@NullMarked
package dev.bootcluster.server;

import org.jspecify.annotations.NullMarked;
