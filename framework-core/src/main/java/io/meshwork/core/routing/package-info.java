/**
 * Routing: which member a call goes to. {@link io.meshwork.core.routing.LoadBalancer} picks among
 * the members serving a route (round robin, least outstanding, latency-weighted), {@link
 * io.meshwork.core.routing.Breakers} keeps one circuit breaker per member, and {@link
 * io.meshwork.core.routing.HashRing} is the consistent-hash ring: virtual nodes per member, placed
 * by {@code XxHash64}, so every node that sees the same members computes the same owners for a
 * key, and a member joining or leaving moves only about {@code 1/n} of the keys. {@link
 * io.meshwork.core.routing.Rings} keeps one ring per route for the current view.
 *
 * <p>Internal to the engine. May depend on framework-api and reactor-core; time and randomness
 * come from the node's {@code Environment}.
 */
@NullMarked
package io.meshwork.core.routing;

import org.jspecify.annotations.NullMarked;
