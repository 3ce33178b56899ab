/**
 * The RSocket transport ({@link io.meshwork.rsocket.RSocketTransport}): one RSocket connection
 * per pair of nodes over TCP, the route in standard routing metadata so any RSocket client can
 * call a node, the caller's identity in the SETUP frame, and bounds on everything a peer could
 * abuse.
 *
 * <p>May depend on framework-api, rsocket-core, rsocket-transport-netty (Reactor Netty) and
 * SLF4J; never on framework-core.
 *
 * <p>Buffers: every {@code Payload} this package receives is released exactly once, by the method
 * that decodes it ({@code MessageCodec}); every {@code Payload} it creates is handed to
 * rsocket-java, which releases it after writing.
 */
@NullMarked
package io.meshwork.rsocket;

import org.jspecify.annotations.NullMarked;
