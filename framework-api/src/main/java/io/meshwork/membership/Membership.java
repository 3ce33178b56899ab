package io.meshwork.membership;

import io.meshwork.NodeId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A node's view of the cluster, kept by SWIM-style probing and gossip, and its changes as events.
 * Thread-safe: reads see the latest view the node's protocol loop published.
 *
 * <pre>{@code
 * Membership m = node.membership();
 * m.events().subscribe(e -> System.out.println(e));     // current view first, then changes
 * List<Member> live = m.members();                       // ALIVE and SUSPECT, this node included
 * double phi = m.suspicion(peerId);                      // 0 healthy, rising as answers stop
 * m.updateMetadata(Map.of("zone", "eu-1")).subscribe();  // spread with a new incarnation
 * }</pre>
 */
public interface Membership {

  /**
   * This node as the cluster sees it.
   *
   * @return this node's entry
   */
  Member self();

  /**
   * The live members (ALIVE and SUSPECT), this node included, sorted by id.
   *
   * @return the members
   */
  List<Member> members();

  /**
   * What this node knows of a member, in any state (DEAD and LEFT members are kept for a while).
   *
   * @param id the member
   * @return its entry, or empty if unknown
   */
  Optional<Member> member(NodeId id);

  /**
   * The view as events: one {@link MembershipEvent.Type#JOINED} per live member (and a {@link
   * MembershipEvent.Type#SUSPECTED} after it for a suspect) for the view at subscription, then
   * every change. Events are delivered on the node's protocol loop: do not block in them. The
   * events of a subscriber that falls behind are buffered.
   *
   * @return the events; completes when the node shuts down
   */
  Flux<MembershipEvent> events();

  /**
   * The phi-accrual suspicion level of a member from the round trips of the probes it answered
   * (Hayashibara et al.): about 0 for a member answering as usual, 1 for a 10 % chance it is
   * merely slow, 3 for 0.1 %. A load balancer may lower the member's weight as it rises.
   *
   * @param id the member
   * @return phi, 0 for this node and for a member never probed
   */
  double suspicion(NodeId id);

  /**
   * The replica set of a key: the first {@code replicas} distinct live members serving a route,
   * clockwise from the key's hash on the consistent-hash ring. The first is the key's owner (where
   * {@code Target.key(key)} sends). Every node with the same view computes the same list.
   *
   * @param route the route the members must serve, or {@code null} for every live member
   * @param key the key
   * @param replicas how many, at least 1
   * @return up to {@code replicas} members, fewer if fewer serve the route
   */
  List<Member> owners(@Nullable String route, String key, int replicas);

  /**
   * Advertises new metadata: this node raises its incarnation and gossips it.
   *
   * @param metadata the metadata, replacing the previous
   * @return completes once the view holds it
   */
  Mono<Void> updateMetadata(Map<String, String> metadata);
}
