/**
 * Timeouts and retries for outgoing calls: {@link io.meshwork.core.resilience.CallPolicy} applies
 * a call's {@code CallOptions}, {@link io.meshwork.core.resilience.Backoff} computes waits, {@link
 * io.meshwork.core.resilience.RetryRules} decides what may be retried. Time, randomness and the
 * timer scheduler come from the node's {@code Environment}, so simulated runs replay exactly.
 *
 * <p>Internal to the engine: public only so the node runtime can use it; not a supported API.
 * May depend on framework-api, reactor-core and SLF4J.
 */
@NullMarked
package io.meshwork.core.resilience;

import org.jspecify.annotations.NullMarked;
