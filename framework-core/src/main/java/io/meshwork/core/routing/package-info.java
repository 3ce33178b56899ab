/**
 * Routing: which member a call goes to. Load balancing over the members serving a route, and
 * consistent hashing of keys to members.
 *
 * <p>Internal to the engine. May depend on framework-api and reactor-core; time and randomness
 * come from the node's {@code Environment}.
 */
@NullMarked
package io.meshwork.core.routing;

import org.jspecify.annotations.NullMarked;
