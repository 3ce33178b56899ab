/**
 * The node runtime: {@link io.meshwork.core.DefaultNodeFactory} (found by {@code
 * Node.builder()}), the router that dispatches inbound messages to handlers, and the registry of
 * connections to peers.
 *
 * <p>May depend on framework-api, reactor-core and SLF4J only; never on a transport
 * implementation (the build has none on this module's class path).
 */
@NullMarked
package io.meshwork.core;

import org.jspecify.annotations.NullMarked;
