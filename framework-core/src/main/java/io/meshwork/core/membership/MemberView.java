package io.meshwork.core.membership;

import io.meshwork.NodeId;
import io.meshwork.membership.Member;
import io.meshwork.membership.MemberStatus;
import io.meshwork.membership.MembershipEvent;
import io.meshwork.membership.MembershipEvent.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.FluxSink;

/**
 * What one node believes about every member it knows, itself included, and the events its changes
 * make. Written only by the protocol loop; it publishes an immutable {@link Snapshot} after each
 * change, which any thread may read. Iterates in id order, so a seeded simulation replays exactly.
 */
final class MemberView {

  /**
   * The view as readers see it.
   *
   * @param self this node's entry
   * @param live ALIVE and SUSPECT members, this node included, sorted by id
   * @param all every known member in any state, this node included
   */
  record Snapshot(Member self, List<Member> live, Map<NodeId, Member> all) {}

  private final TreeMap<NodeId, Member> others = new TreeMap<>();
  private final Map<NodeId, Long> since = new HashMap<>();
  private final List<FluxSink<MembershipEvent>> listeners = new ArrayList<>();
  private final Consumer<MembershipEvent> observer;
  private Member self;
  private volatile Snapshot snapshot;

  /**
   * A view holding only {@code self}.
   *
   * @param self this node's entry
   * @param observer told of every event, before the listeners, and never replayed to (the node's
   *     metrics)
   */
  MemberView(Member self, Consumer<MembershipEvent> observer) {
    this.self = self;
    this.observer = observer;
    this.snapshot = new Snapshot(self, List.of(self), Map.of(self.id(), self));
  }

  Snapshot snapshot() {
    return snapshot;
  }

  Member self() {
    return self;
  }

  void self(Member next) {
    this.self = next;
    publish();
  }

  @Nullable Member get(NodeId id) {
    return others.get(id);
  }

  /** Every other member in any state, in id order. */
  Collection<Member> others() {
    return Collections.unmodifiableCollection(others.values());
  }

  /** When a member entered its current entry, on the node's clock. */
  long since(NodeId id) {
    Long t = since.get(id);
    return t == null ? 0 : t;
  }

  /** Other members that are ALIVE or SUSPECT, in id order. */
  List<Member> liveOthers() {
    List<Member> live = new ArrayList<>(others.size());
    for (Member m : others.values()) {
      if (m.isLive()) {
        live.add(m);
      }
    }
    return live;
  }

  /**
   * How many members, this node included, are in {@code status} now; any thread, reading the
   * snapshot.
   */
  int count(MemberStatus status) {
    int n = 0;
    for (Member m : snapshot.all().values()) {
      if (m.status() == status) {
        n++;
      }
    }
    return n;
  }

  /** How many members are live, this node included: the {@code n} of every bound. */
  int liveCount() {
    return snapshot.live().size();
  }

  /**
   * Replaces a member's entry (the caller decided the update wins) and tells listeners what it
   * means.
   */
  void put(Member update, long nowNanos) {
    Member previous = others.put(update.id(), update);
    since.put(update.id(), nowNanos);
    publish();
    Type type = classify(previous, update);
    if (type != null) {
      emit(new MembershipEvent(type, update, previous, nowNanos));
    }
  }

  /** Forgets a tombstone. */
  void remove(NodeId id) {
    others.remove(id);
    since.remove(id);
    publish();
  }

  private static @Nullable Type classify(@Nullable Member previous, Member now) {
    boolean wasLive = previous != null && previous.isLive();
    switch (now.status()) {
      case ALIVE:
        if (!wasLive) {
          return Type.JOINED;
        }
        if (previous.status() == MemberStatus.SUSPECT) {
          return Type.ALIVE;
        }
        return previous.advertisesSameAs(now) ? null : Type.METADATA_CHANGED;
      case SUSPECT:
        return wasLive ? Type.SUSPECTED : Type.JOINED; // news of a suspect we never saw alive
      case DEAD:
        return wasLive ? Type.DEAD : null;
      case LEFT:
        return wasLive ? Type.LEFT : null;
      default:
        throw new IllegalStateException("unknown status " + now.status());
    }
  }

  /** A new subscriber: the live view as JOINED (and SUSPECTED) events, then every change. */
  void subscribe(FluxSink<MembershipEvent> sink, long nowNanos) {
    for (Member m : snapshot.live()) {
      sink.next(new MembershipEvent(Type.JOINED, m, null, nowNanos));
      if (m.status() == MemberStatus.SUSPECT) {
        sink.next(new MembershipEvent(Type.SUSPECTED, m, null, nowNanos));
      }
    }
    listeners.add(sink);
  }

  void unsubscribe(FluxSink<MembershipEvent> sink) {
    listeners.remove(sink);
  }

  /** The node stopped: every subscriber's events complete. */
  void close() {
    for (FluxSink<MembershipEvent> sink : List.copyOf(listeners)) {
      sink.complete();
    }
    listeners.clear();
  }

  private void emit(MembershipEvent event) {
    observer.accept(event);
    for (FluxSink<MembershipEvent> sink : List.copyOf(listeners)) {
      sink.next(event);
    }
  }

  private void publish() {
    List<Member> live = new ArrayList<>(others.size() + 1);
    Map<NodeId, Member> all = new HashMap<>(others);
    all.put(self.id(), self);
    boolean selfAdded = false;
    for (Member m : others.values()) {
      if (!selfAdded && m.id().compareTo(self.id()) > 0) {
        if (self.isLive()) {
          live.add(self);
        }
        selfAdded = true;
      }
      if (m.isLive()) {
        live.add(m);
      }
    }
    if (!selfAdded && self.isLive()) {
      live.add(self);
    }
    snapshot = new Snapshot(self, List.copyOf(live), Collections.unmodifiableMap(all));
  }
}
