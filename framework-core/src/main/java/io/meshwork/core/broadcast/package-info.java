/**
 * Broadcast: one message, or a stream, to every member a node knows, with one {@code Delivery}
 * per member. Built on the node's own verbs, so timeouts, retries and typed errors apply per
 * member.
 *
 * <p>Internal to the engine: public only so the node runtime can use it. May depend on
 * framework-api, reactor-core and SLF4J.
 */
@NullMarked
package io.meshwork.core.broadcast;

import org.jspecify.annotations.NullMarked;
