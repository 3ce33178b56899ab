/**
 * The in-memory transport: nodes of one JVM connected without sockets, for fast tests. It keeps
 * the wire's semantics that users rely on (errors re-typed through {@code WireErrors} with the
 * caller's route and peer, demand passed straight through, the peer's payload limit exchanged at
 * connection) and drops what only a wire has (framing, copies).
 *
 * <p>May depend on framework-api and reactor-core only.
 */
@NullMarked
package io.meshwork.core.memory;

import org.jspecify.annotations.NullMarked;
