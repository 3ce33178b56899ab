package io.meshwork.membership;

/**
 * A member's state in a node's view, SWIM-style. Each state is held at an incarnation number
 * that only the member itself raises (to refute a suspicion, or to come back after DEAD).
 */
public enum MemberStatus {
  /** Answering probes (directly or through others). */
  ALIVE,
  /** Missed a probe, directly and indirectly; declared DEAD unless it refutes in time. */
  SUSPECT,
  /** Did not refute its suspicion in time. Comes back only with a higher incarnation. */
  DEAD,
  /** Left gracefully; others drop it at once rather than by timeout. */
  LEFT
}
