package io.meshwork.transport;

import io.meshwork.Address;
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

  /**
   * Starts listening at {@code bindAddress}, telling peers {@code local}'s address instead: a node
   * bound to every interface advertises one it can be dialled at. The binding's {@link
   * TransportBinding#local()} is {@code local}, its port 0 replaced by the bound port. The default
   * supports only the two being equal; a transport over a real network overrides it.
   *
   * @param local this node's id, advertised address (port 0: the bound port) and inbound payload
   *     limit
   * @param bindAddress the interface and port to listen at (port 0: ephemeral)
   * @param responder as for {@link #bind(PeerInfo, Responder)}
   * @return the binding, once listening; fails if the address cannot be bound, or with {@link
   *     IllegalArgumentException} if this transport cannot advertise another address
   */
  default Mono<TransportBinding> bind(PeerInfo local, Address bindAddress, Responder responder) {
    if (bindAddress.equals(local.address())) {
      return bind(local, responder);
    }
    return Mono.error(
        new IllegalArgumentException(
            getClass().getSimpleName()
                + " cannot advertise "
                + local.address()
                + " while bound to "
                + bindAddress
                + ": its nodes are reached where they bind"));
  }
}
