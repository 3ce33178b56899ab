package io.meshwork.transport;

import reactor.core.publisher.Mono;

/**
 * A way for nodes to reach each other. A node binds once at start; the binding accepts peers and
 * dials them.
 *
 * <pre>{@code
 * Node node = Node.builder().transport(RSocketTransport.tcp()).build();
 * Node test = Node.builder().transport(InMemoryTransport.create()).build();
 * }</pre>
 *
 * <p>Implementations must be thread-safe; one instance may serve many nodes.
 */
public interface Transport {

  /**
   * Starts listening.
   *
   * @param local this node's id, bind address (port 0: ephemeral) and inbound payload limit
   * @param responder what the transport calls for every inbound connection and request, on its
   *     own threads
   * @return the binding, once listening; fails if the address cannot be bound
   */
  Mono<TransportBinding> bind(PeerInfo local, Responder responder);
}
