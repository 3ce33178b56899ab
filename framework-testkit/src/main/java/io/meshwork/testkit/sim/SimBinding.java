package io.meshwork.testkit.sim;

import io.meshwork.Address;
import io.meshwork.error.UnreachableException;
import io.meshwork.transport.Connection;
import io.meshwork.transport.OwnedSubscriptions;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.Responder;
import io.meshwork.transport.TransportBinding;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** One node's presence on a {@link SimulatedNetwork}. */
final class SimBinding implements TransportBinding {

  private final SimulatedNetwork network;
  private final PeerInfo local;
  private final Responder responder;
  private final List<SimConnection> connections = new ArrayList<>();
  private final OwnedSubscriptions detached = new OwnedSubscriptions();
  private final Sinks.Empty<Void> closed = Sinks.empty();
  private boolean disposed;

  SimBinding(SimulatedNetwork network, PeerInfo local, Responder responder) {
    this.network = network;
    this.local = local;
    this.responder = responder;
  }

  @Override
  public PeerInfo local() {
    return local;
  }

  Responder responder() {
    return responder;
  }

  SimulatedNetwork network() {
    return network;
  }

  /** Runs a handler apart from its caller; cancelled if this node crashes first. */
  void runDetached(Mono<?> handling) {
    detached.run(handling);
  }

  @Override
  public Mono<Connection> connect(Address remote) {
    return Mono.defer(
        () -> {
          SimBinding server = network.lookup(remote);
          if (disposed
              || server == null
              || !network.reachable(local.address(), remote)
              || !network.reachable(remote, local.address())) {
            network.record("refused " + local.address() + ">" + remote);
            return Mono.error(
                new UnreachableException(
                    "Nothing answers at " + remote + " on the simulated network", null));
          }
          SimLink link = new SimLink();
          SimConnection outbound = new SimConnection(this, server, link);
          SimConnection inbound = new SimConnection(server, this, link);
          connections.removeIf(SimConnection::isDisposed);
          connections.add(outbound);
          server.connections.add(inbound);
          network.record("connect " + local.address() + ">" + remote);
          server.responder.onConnection(inbound);
          return Mono.just(outbound);
        });
  }

  @Override
  public Mono<Void> onClose() {
    return closed.asMono();
  }

  @Override
  public void dispose() {
    if (disposed) {
      return;
    }
    disposed = true;
    network.unbind(this);
    detached.dispose();
    for (SimConnection c : List.copyOf(connections)) {
      c.dispose();
    }
    closed.tryEmitEmpty();
  }

  @Override
  public boolean isDisposed() {
    return disposed;
  }
}
