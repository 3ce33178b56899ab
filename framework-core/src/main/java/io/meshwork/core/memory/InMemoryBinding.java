package io.meshwork.core.memory;

import io.meshwork.Address;
import io.meshwork.error.UnreachableException;
import io.meshwork.transport.Connection;
import io.meshwork.transport.OwnedSubscriptions;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.Responder;
import io.meshwork.transport.TransportBinding;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** One node's presence on an {@link InMemoryTransport}. */
final class InMemoryBinding implements TransportBinding {

  private final InMemoryTransport network;
  private final PeerInfo local;
  private final Responder responder;
  private final Set<InMemoryConnection> connections = ConcurrentHashMap.newKeySet();
  private final Sinks.Empty<Void> closed = Sinks.empty();
  private final OwnedSubscriptions detached = new OwnedSubscriptions();
  private volatile boolean disposed;

  InMemoryBinding(InMemoryTransport network, PeerInfo local, Responder responder) {
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

  /**
   * Runs a fire-and-forget handler apart from its sender, as a wire would; it is cancelled if
   * this binding is disposed first.
   */
  void runDetached(Mono<Void> handling) {
    detached.run(handling);
  }

  @Override
  public Mono<Connection> connect(Address remote) {
    return Mono.defer(
        () -> {
          InMemoryBinding server = network.lookup(remote);
          if (disposed) {
            return Mono.error(
                new UnreachableException("Node " + local.id() + " is shut down", null));
          }
          if (server == null || server.disposed) {
            return Mono.error(
                new UnreachableException(
                    "Nothing listens at " + remote + " on this in-memory network", null));
          }
          // Forget connections closed since the last dial; dispose() closes the rest.
          connections.removeIf(InMemoryConnection::isDisposed);
          server.connections.removeIf(InMemoryConnection::isDisposed);
          InMemoryLink link = new InMemoryLink();
          InMemoryConnection outbound = new InMemoryConnection(this, server, link);
          InMemoryConnection inbound = new InMemoryConnection(server, this, link);
          this.connections.add(outbound);
          server.connections.add(inbound);
          if (disposed || server.disposed) { // raced with a dispose: it may have missed these
            link.close();
            return Mono.error(
                new UnreachableException("Connection to " + remote + " closed while opening", null));
          }
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
    for (InMemoryConnection c : connections) {
      c.dispose();
    }
    closed.tryEmitEmpty();
  }

  @Override
  public boolean isDisposed() {
    return disposed;
  }
}
