package io.meshwork.core.membership;

import io.meshwork.Address;
import io.meshwork.NodeId;
import io.meshwork.membership.MemberStatus;
import java.util.Objects;

/**
 * What one node believes about one member: an update as gossip carries it, and an entry of the
 * view.
 *
 * @param id the member
 * @param address where it listens
 * @param incarnation its incarnation number, raised only by the member itself
 * @param status its state at that incarnation
 */
public record MemberState(NodeId id, Address address, long incarnation, MemberStatus status) {

  /** Validates the fields. */
  public MemberState {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(status, "status");
    if (incarnation < 0) {
      throw new IllegalArgumentException("incarnation must not be negative, got " + incarnation);
    }
  }

  /**
   * This member in another state at the same incarnation.
   *
   * @param next the state
   * @return the new state
   */
  public MemberState with(MemberStatus next) {
    return new MemberState(id, address, incarnation, next);
  }
}
