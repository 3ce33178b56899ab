/**
 * Routing decisions that pick members for a key or a request. {@link
 * io.meshwork.core.routing.HashRing} is the consistent-hash ring: virtual nodes per member, placed
 * by {@code XxHash64}, so every node that sees the same members computes the same owners for a
 * key, and a member joining or leaving moves only about {@code 1/n} of the keys. Both are pure,
 * immutable and property-tested.
 *
 * <p>Internal to the engine. May depend on framework-api and the JDK only: no reactor, no
 * transport, no time or randomness.
 */
@NullMarked
package io.meshwork.core.routing;

import org.jspecify.annotations.NullMarked;
