/**
 * Logical clocks for ordering events across nodes without synchronised wall clocks.
 *
 * <p>{@link io.meshwork.clock.LamportClock} is the thread-safe per-node counter whose value a node
 * stamps on each message it sends ({@link io.meshwork.Message#lamportTime()}); it gives a total
 * order consistent with causality but cannot tell concurrent events apart. {@link
 * io.meshwork.clock.VectorClock} is an immutable value that can: {@link
 * io.meshwork.clock.VectorClock#compare} answers with an {@link io.meshwork.clock.Ordering}, one of
 * before, after, equal or concurrent.
 */
@NullMarked
package io.meshwork.clock;

import org.jspecify.annotations.NullMarked;
