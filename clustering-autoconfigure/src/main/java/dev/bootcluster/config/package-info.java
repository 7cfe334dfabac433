/**
 * The configuration both sides of a cluster read: {@code app.cluster.*} bound once from
 * the {@code Environment} and checked in one place, and the server ports the primary
 * listens on.
 */
@NullMarked
package dev.bootcluster.config;

import org.jspecify.annotations.NullMarked;
