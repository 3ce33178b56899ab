/**
 * Membership and failure detection, SWIM-style. The protocol's decisions are pure functions over
 * values, property-tested: which update wins ({@link io.meshwork.core.membership.UpdateRules}),
 * the bounds the parameters imply ({@link io.meshwork.core.membership.ClusterMath}), the probe
 * order ({@link io.meshwork.core.membership.ProbeOrder}), and a suspicion level per member
 * ({@link io.meshwork.core.membership.PhiAccrualDetector}).
 *
 * <p>Internal to the engine. May depend on framework-api and reactor-core; time and randomness
 * come from the node's {@code Environment}.
 */
@NullMarked
package io.meshwork.core.membership;

import org.jspecify.annotations.NullMarked;
