package io.meshwork.membership;

import io.meshwork.Address;
import io.meshwork.NodeId;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Collections;

/**
 * What a node believes about one member of the cluster: where it listens, its state at an
 * incarnation, and what it advertises (metadata and the routes it serves). Immutable; the same
 * value is a view entry, an event's subject and, on the wire, a gossiped update.
 *
 * <pre>{@code
 * for (Member m : node.membership().members()) {
 *   if (m.serves("orders")) {
 *     System.out.println(m.id() + " at " + m.address() + " zone " + m.metadata().get("zone"));
 *   }
 * }
 * }</pre>
 *
 * @param id the member's id
 * @param address where it listens
 * @param incarnation its incarnation number, raised only by the member itself (to refute a
 *     suspicion, to come back after DEAD, or to advertise new metadata)
 * @param status its state at that incarnation
 * @param metadata what it advertises, sorted by key
 * @param routes the routes it serves, sorted
 */
public record Member(
    NodeId id,
    Address address,
    long incarnation,
    MemberStatus status,
    Map<String, String> metadata,
    Set<String> routes) {

  /** Validates the fields and keeps sorted, unmodifiable copies of the metadata and routes. */
  public Member {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(status, "status");
    if (incarnation < 0) {
      throw new IllegalArgumentException("incarnation must not be negative, got " + incarnation);
    }
    metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
    routes = Collections.unmodifiableSet(new TreeSet<>(routes));
  }

  /**
   * A member with no metadata and no routes.
   *
   * @param id the id
   * @param address the address
   * @param incarnation the incarnation
   * @param status the status
   * @return the member
   */
  public static Member of(NodeId id, Address address, long incarnation, MemberStatus status) {
    return new Member(id, address, incarnation, status, Map.of(), Set.of());
  }

  /**
   * This member in another state at the same incarnation.
   *
   * @param next the state
   * @return the member
   */
  public Member with(MemberStatus next) {
    return next == status ? this : new Member(id, address, incarnation, next, metadata, routes);
  }

  /**
   * This member at another incarnation, in the given state.
   *
   * @param nextIncarnation the incarnation
   * @param next the state
   * @return the member
   */
  public Member at(long nextIncarnation, MemberStatus next) {
    return new Member(id, address, nextIncarnation, next, metadata, routes);
  }

  /**
   * Whether the member is believed to be running: ALIVE or SUSPECT (a suspect still gets
   * messages until it is declared DEAD).
   *
   * @return whether it is live
   */
  public boolean isLive() {
    return status == MemberStatus.ALIVE || status == MemberStatus.SUSPECT;
  }

  /**
   * Whether the member serves a route.
   *
   * @param route the route
   * @return whether it is among its routes
   */
  public boolean serves(String route) {
    return routes.contains(route);
  }

  /**
   * Whether two values describe the same advertisement: address, metadata and routes.
   *
   * @param other the other value
   * @return whether only the incarnation or status may differ
   */
  public boolean advertisesSameAs(Member other) {
    return address.equals(other.address)
        && metadata.equals(other.metadata)
        && routes.equals(other.routes);
  }

  @Override
  public String toString() {
    return id + "@" + address + "#" + incarnation + " " + status;
  }
}
