/**
 * The worker's side of the shared port: Tomcat and Jetty adapters that accept on the
 * socket inherited from the primary, the gate that holds them off until the worker is
 * ready, the connection balance, and the private warm-up connector.
 */
@NullMarked
package dev.bootcluster.server;

import org.jspecify.annotations.NullMarked;
