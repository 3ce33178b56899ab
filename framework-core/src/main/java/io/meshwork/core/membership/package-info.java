/**
 * Membership and failure detection, SWIM-style. {@link io.meshwork.core.membership.Swim} is the
 * protocol: probes, indirect probes, suspicion, refutation, piggybacked gossip, push-pull sync,
 * join and leave, all on one serialized worker. Its decisions are pure functions over values,
 * property-tested: which update wins ({@link io.meshwork.core.membership.UpdateRules}), the probe
 * order ({@link io.meshwork.core.membership.ProbeOrder}), and a suspicion level per member ({@link
 * io.meshwork.core.membership.PhiAccrualDetector}). The bounds the parameters imply are stated on
 * {@link io.meshwork.membership.MembershipOptions}.
 *
 * <p>Internal to the engine. May depend on framework-api and reactor-core; time and randomness
 * come from the node's {@code Environment}.
 */
@NullMarked
package io.meshwork.core.membership;

import org.jspecify.annotations.NullMarked;
