package io.meshwork.transport;

import io.meshwork.Address;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * A transport bound for one node: it listens, and it dials other nodes. Disposing it closes the
 * listener and every connection it made or accepted.
 */
public interface TransportBinding extends Disposable {

  /**
   * This node as peers will see it, with the port actually bound.
   *
   * @return the local peer info
   */
  PeerInfo local();

  /**
   * Connects to the node listening at an address and learns who it is.
   *
   * @param remote the address
   * @return the connection once the remote has identified itself; fails with {@link
   *     io.meshwork.error.UnreachableException} if nothing answers or the handshake fails. Cold: each
   *     subscription dials anew.
   */
  Mono<Connection> connect(Address remote);

  /**
   * Completes when the binding has closed.
   *
   * @return completion
   */
  Mono<Void> onClose();
}
