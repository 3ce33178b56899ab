package io.meshwork.core.membership;

import io.meshwork.NodeId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * SWIM's randomized round-robin: members are probed in a shuffled order, each once per round, and
 * the order is reshuffled when a round ends; a member that joins takes a random place in the
 * remaining round. So every member is probed within {@code n} periods, yet no two nodes probe in
 * step. Not thread-safe: owned by one node's protocol loop. The shuffle draws from the node's
 * seeded random source.
 */
public final class ProbeOrder {

  private final RandomGenerator random;
  private final List<NodeId> round = new ArrayList<>();
  private int next;

  /**
   * An empty order.
   *
   * @param random the node's random source
   */
  public ProbeOrder(RandomGenerator random) {
    this.random = random;
  }

  /**
   * The member to probe next, starting a new shuffled round when this one is done.
   *
   * @param members the members probable now, this node excluded, in a stable order
   * @return the next target, or {@code null} if there is none
   */
  public @Nullable NodeId next(Collection<NodeId> members) {
    if (members.isEmpty()) {
      return null;
    }
    for (int tries = 0; tries <= round.size(); tries++) {
      if (next >= round.size()) {
        reshuffle(members);
      }
      NodeId candidate = round.get(next++);
      if (members.contains(candidate)) {
        return candidate; // skip members that left the view since the round began
      }
    }
    reshuffle(members);
    return round.get(next++);
  }

  /**
   * A member joined: it gets a random place among those not yet probed this round.
   *
   * @param member the new member
   */
  public void joined(NodeId member) {
    if (round.contains(member)) {
      return;
    }
    int at = next + random.nextInt(round.size() - next + 1);
    round.add(at, member);
  }

  private void reshuffle(Collection<NodeId> members) {
    round.clear();
    round.addAll(members);
    for (int i = round.size() - 1; i > 0; i--) { // Fisher-Yates, from the seeded source
      int j = random.nextInt(i + 1);
      NodeId t = round.get(i);
      round.set(i, round.get(j));
      round.set(j, t);
    }
    next = 0;
  }
}
