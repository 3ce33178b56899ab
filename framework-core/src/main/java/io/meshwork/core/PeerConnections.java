package io.meshwork.core;

import io.meshwork.Address;
import io.meshwork.NodeId;
import io.meshwork.Target;
import io.meshwork.error.MeshworkException;
import io.meshwork.error.UnreachableException;
import io.meshwork.transport.Connection;
import io.meshwork.transport.OwnedSubscriptions;
import io.meshwork.transport.TransportBinding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One connection per peer, shared by every verb: connections this node dialled and connections
 * peers dialled to it. Concurrent dials to one address share a single attempt; a failed attempt
 * is forgotten before its error reaches anyone, so a retry dials again. A closed connection is
 * forgotten, so the next call dials again. A live connection is never replaced by a later one
 * claiming the same id.
 *
 * <p>Thread-safe; touched from callers' threads and transport threads. Its maps are caches: no
 * decision depends on their iteration order.
 */
final class PeerConnections {

  private static final Logger log = LoggerFactory.getLogger(PeerConnections.class);

  /** How many known ids an error message lists at most. */
  private static final int MAX_LISTED = 16;

  private final NodeId self;
  private final Map<NodeId, Connection> byId = new ConcurrentHashMap<>();
  private final Map<Address, Connection> byAddress = new ConcurrentHashMap<>();
  private final Map<NodeId, Address> addresses = new ConcurrentHashMap<>();
  private final Map<Address, Mono<Connection>> dialing = new ConcurrentHashMap<>();
  private final OwnedSubscriptions watches = new OwnedSubscriptions();
  private final Function<NodeId, @Nullable Address> directory;
  private final Consumer<NodeId> onLost;
  private volatile @Nullable TransportBinding binding;

  /**
   * @param self this node
   * @param directory where a member listens as the membership view knows it, or {@code null}
   * @param onLost told when the connection to a member closes
   */
  PeerConnections(
      NodeId self, Function<NodeId, @Nullable Address> directory, Consumer<NodeId> onLost) {
    this.self = self;
    this.directory = directory;
    this.onLost = onLost;
  }

  /** Dialling is possible once the transport is bound; accepting is possible before. */
  void attach(TransportBinding binding) {
    this.binding = binding;
  }

  /** A peer dialled us: use its connection for our calls to it too. */
  void accepted(Connection connection) {
    register(connection, null);
  }

  /** The live connection to a target right now, or {@code null}: the fast path of every call. */
  @Nullable Connection live(Target target) {
    Connection c =
        target instanceof Target.ToMember
            ? byId.get(((Target.ToMember) target).id())
            : byAddress.get(((Target.ToAddress) target).address());
    return c == null || c.isDisposed() ? null : c;
  }

  /** The connection to a target, dialling if there is none. */
  Mono<Connection> to(Target target) {
    if (target instanceof Target.ToMember) {
      NodeId id = ((Target.ToMember) target).id();
      Connection live = byId.get(id);
      if (live != null && !live.isDisposed()) {
        return Mono.just(live);
      }
      Address known = directory.apply(id);
      Address address = known != null ? known : addresses.get(id);
      if (address == null) {
        return Mono.error(
            new UnreachableException(
                "Member " + id + " is not known to node " + self + "; known members: " + known(),
                null));
      }
      return dial(address)
          .flatMap(
              c -> {
                if (c.remote().id().equals(id)) {
                  return Mono.just(c);
                }
                addresses.remove(id, address); // stale: another node listens there now
                return Mono.error(
                    new UnreachableException(
                        "Member "
                            + id
                            + " is gone from "
                            + address
                            + ": node "
                            + c.remote().id()
                            + " answers there now",
                        null));
              });
    }
    return dial(((Target.ToAddress) target).address());
  }

  /** The connection to whatever listens at an address; one dial per address at a time. */
  Mono<Connection> dial(Address address) {
    return Mono.defer(
        () -> {
          Connection live = byAddress.get(address);
          if (live != null && !live.isDisposed()) {
            return Mono.just(live);
          }
          TransportBinding b = binding;
          if (b == null) {
            return Mono.error(new IllegalStateException("Node " + self + " is not bound yet"));
          }
          // Checked again under the map's lock: a dial that has just ended registers its
          // connection before it leaves the map, so a caller that missed both the connection
          // above and the dial here finds the connection now, instead of dialling a second one.
          Connection[] registered = new Connection[1];
          Mono<Connection> pending =
              dialing.computeIfAbsent(
                  address,
                  a -> {
                    Connection c = byAddress.get(a);
                    if (c != null && !c.isDisposed()) {
                      registered[0] = c;
                      return null;
                    }
                    return attempt(b, a);
                  });
          return pending != null ? pending : Mono.just(registered[0]);
        });
  }

  private Mono<Connection> attempt(TransportBinding b, Address a) {
    AtomicReference<Mono<Connection>> cached = new AtomicReference<>();
    // Leave the dedupe map before the outcome reaches subscribers: a retry that resubscribes
    // from within onError must start a new dial, not get this one's cached failure. A connection
    // is registered first, so that no caller sees neither it nor this dial (it would dial again:
    // a second connection, and with leases a second set of permits).
    Mono<Connection> attempt =
        b.connect(a)
            .doOnNext(c -> register(c, a))
            .doOnEach(
                signal -> {
                  if (signal.isOnNext() || signal.isOnError()) {
                    dialing.remove(a, cached.get());
                  }
                })
            .onErrorMap(
                e -> !(e instanceof MeshworkException),
                e ->
                    new UnreachableException(
                        "Node " + self + " could not connect to " + a + ": " + e, e))
            .cache();
    cached.set(attempt);
    return attempt;
  }

  private void register(Connection c, @Nullable Address dialled) {
    NodeId id = c.remote().id();
    Address advertised = c.remote().address();
    Connection existing = byId.get(id);
    if (existing != null && existing != c && !existing.isDisposed()) {
      // Keep the live connection: a later one claiming the same id must not take its place.
      // (Both nodes dialling each other at once also lands here; the extra one stays usable
      // through the address it was dialled at, and closes with the binding.)
      log.debug("Node {}: kept the live connection to {}, not a second one", self, id);
    } else {
      byId.put(id, c);
      addresses.put(id, advertised);
      byAddress.putIfAbsent(advertised, c);
      log.info("Node {} connected to {} at {}", self, id, advertised);
    }
    if (dialled != null) {
      byAddress.put(dialled, c);
    }
    watches.run(c.onClose().doFinally(s -> forget(c, dialled)));
  }

  private void forget(Connection c, @Nullable Address dialled) {
    NodeId id = c.remote().id();
    boolean wasCurrent = byId.remove(id, c);
    byAddress.remove(c.remote().address(), c);
    if (dialled != null) {
      byAddress.remove(dialled, c);
    }
    if (wasCurrent) {
      log.info("Node {}: connection to {} closed", self, id);
      onLost.accept(id);
    }
  }

  /** How many peers this node is connected to now. */
  int connected() {
    int n = 0;
    for (Connection c : byId.values()) {
      if (!c.isDisposed()) {
        n++;
      }
    }
    return n;
  }

  /** A member is gone (dead, left, restarted elsewhere): close the connection to it. */
  void disconnect(NodeId id) {
    Connection c = byId.remove(id);
    addresses.remove(id);
    if (c != null) {
      c.dispose();
    }
  }

  private String known() {
    TreeSet<NodeId> ids = new TreeSet<>(addresses.keySet());
    return ids.size() <= MAX_LISTED
        ? ids.toString()
        : ids.headSet(ids.stream().skip(MAX_LISTED).findFirst().orElseThrow()) + " and "
            + (ids.size() - MAX_LISTED) + " more";
  }

  /** Closes every connection. */
  void dispose() {
    watches.dispose();
    for (Connection c : byId.values()) {
      c.dispose();
    }
    for (Connection c : byAddress.values()) {
      c.dispose();
    }
    byId.clear();
    byAddress.clear();
  }
}
