package io.meshwork.core;

import io.meshwork.Address;
import io.meshwork.NodeId;
import io.meshwork.Target;
import io.meshwork.error.MeshworkException;
import io.meshwork.error.UnreachableException;
import io.meshwork.transport.Connection;
import io.meshwork.transport.TransportBinding;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;

/**
 * One connection per peer, shared by every verb: connections this node dialled and connections
 * peers dialled to it. Concurrent dials to one address share a single attempt. A closed
 * connection is forgotten, so the next call dials again.
 *
 * <p>Thread-safe; touched from callers' threads and transport threads. Its maps are caches: no
 * decision depends on their iteration order.
 */
final class PeerConnections {

  private static final Logger log = LoggerFactory.getLogger(PeerConnections.class);

  private final NodeId self;
  private final TransportBinding binding;
  private final Map<NodeId, Connection> byId = new ConcurrentHashMap<>();
  private final Map<Address, Connection> byAddress = new ConcurrentHashMap<>();
  private final Map<NodeId, Address> addresses = new ConcurrentHashMap<>();
  private final Map<Address, Mono<Connection>> dialing = new ConcurrentHashMap<>();
  private final Disposable.Composite watches = Disposables.composite();

  PeerConnections(NodeId self, TransportBinding binding) {
    this.self = self;
    this.binding = binding;
  }

  /** A peer dialled us: use its connection for our calls to it too. */
  void accepted(Connection connection) {
    register(connection, null);
  }

  /** The connection to a target, dialling if there is none. */
  Mono<Connection> to(Target target) {
    if (target instanceof Target.ToMember) {
      NodeId id = ((Target.ToMember) target).id();
      Connection live = byId.get(id);
      if (live != null && !live.isDisposed()) {
        return Mono.just(live);
      }
      Address address = addresses.get(id);
      if (address == null) {
        return Mono.error(
            new UnreachableException(
                "Member "
                    + id
                    + " is not known to node "
                    + self
                    + "; known members: "
                    + new TreeSet<>(addresses.keySet()),
                null));
      }
      return dial(address);
    }
    return dial(((Target.ToAddress) target).address());
  }

  /** The connection to whatever listens at an address; one dial per address at a time. */
  Mono<Connection> dial(Address address) {
    Connection live = byAddress.get(address);
    if (live != null && !live.isDisposed()) {
      return Mono.just(live);
    }
    return dialing.computeIfAbsent(
        address,
        a ->
            binding
                .connect(a)
                .doOnNext(c -> register(c, a))
                .onErrorMap(
                    e -> !(e instanceof MeshworkException),
                    e ->
                        new UnreachableException(
                            "Node " + self + " could not connect to " + a + ": " + e, e))
                .doFinally(s -> dialing.remove(a))
                .cache());
  }

  private void register(Connection c, @Nullable Address dialled) {
    NodeId id = c.remote().id();
    Address advertised = c.remote().address();
    byId.put(id, c);
    byAddress.put(advertised, c);
    if (dialled != null) {
      byAddress.put(dialled, c);
    }
    addresses.put(id, advertised);
    log.info("Node {} connected to {} at {}", self, id, advertised);
    // The watch ends with the connection and then leaves the composite, so neither grows.
    Disposable.Swap watch = Disposables.swap();
    watches.add(watch);
    watch.update(
        c.onClose()
            .doFinally(
                s -> {
                  watches.remove(watch);
                  forget(c, dialled);
                })
            .subscribe(null, e -> {}));
  }

  private void forget(Connection c, @Nullable Address dialled) {
    NodeId id = c.remote().id();
    byId.remove(id, c);
    byAddress.remove(c.remote().address(), c);
    if (dialled != null) {
      byAddress.remove(dialled, c);
    }
    log.info("Node {}: connection to {} closed", self, id);
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
