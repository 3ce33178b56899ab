package io.meshwork.core.membership;

import io.meshwork.NodeId;
import io.meshwork.membership.Member;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The updates waiting to be gossiped, each sent a bounded number of times ({@code λ × log n}),
 * least-sent first, as memberlist's transmit-limited queue does: a fresh update goes out before
 * one that has already been heard by many. One update per member: a newer one replaces the older.
 * Not thread-safe: owned by the protocol loop.
 */
final class GossipQueue {

  private static final class Pending {
    final Member update;
    int sent;

    Pending(Member update) {
      this.update = update;
    }
  }

  private final Map<NodeId, Pending> pending = new LinkedHashMap<>();

  /** Queues an update to spread, replacing any older one about the same member. */
  void add(Member update) {
    pending.remove(update.id()); // re-inserted last: insertion order breaks ties
    pending.put(update.id(), new Pending(update));
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  int size() {
    return pending.size();
  }

  /**
   * Up to {@code max} updates to send in one message, least-sent first; each counts as sent once
   * more, and one sent {@code limit} times leaves the queue.
   */
  List<Member> take(int max, int limit) {
    if (pending.isEmpty()) {
      return List.of();
    }
    List<Pending> chosen = new ArrayList<>(pending.values());
    chosen.sort((a, b) -> Integer.compare(a.sent, b.sent)); // stable: insertion order among equals
    if (chosen.size() > max) {
      chosen = chosen.subList(0, max);
    }
    List<Member> updates = new ArrayList<>(chosen.size());
    for (Pending p : chosen) {
      updates.add(p.update);
      if (++p.sent >= limit) {
        pending.remove(p.update.id());
      }
    }
    return updates;
  }
}
