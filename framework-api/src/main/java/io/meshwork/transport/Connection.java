package io.meshwork.transport;

import io.meshwork.Message;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One connection to one peer, usable in both directions: whichever side dialled, both may send
 * requests over it.
 *
 * <p>Every method is cold: nothing is sent until subscription, and each subscription is one
 * request, so a returned publisher may be re-subscribed (retried). Cancelling a subscription
 * cancels the request on the remote side. Errors are the types of {@code io.meshwork.error}: a
 * remote failure is decoded with the call's route and this connection's peer.
 */
public interface Connection extends Disposable {

  /**
   * Who is on the other end.
   *
   * @return the remote peer
   */
  PeerInfo remote();

  /**
   * Sends one message, at most once.
   *
   * @param message the message; its route selects the handler
   * @return completion once the message has been written (not processed)
   */
  Mono<Void> fireAndForget(Message message);

  /**
   * Sends one message at most once, stamped with the sender's Lamport time: what a node sends.
   * The same as {@code fireAndForget(message.stamped(message.sender(), lamportTime))}, which is
   * what this default does; a transport that writes the time itself can spare that copy.
   *
   * @param message the message; its own Lamport time is ignored
   * @param lamportTime the time the message leaves with
   * @return completion once the message has been written (not processed)
   */
  default Mono<Void> fireAndForget(Message message, long lamportTime) {
    return fireAndForget(message.stamped(message.sender(), lamportTime));
  }

  /**
   * Sends a request and awaits one reply.
   *
   * @param message the request
   * @return the reply, with the route of the request and the remote as sender
   */
  Mono<Message> requestResponse(Message message);

  /**
   * Sends a request stamped with the sender's Lamport time and awaits one reply: what a node
   * sends. The same as {@code requestResponse(message.stamped(message.sender(), lamportTime))},
   * which is what this default does; a transport that writes the time itself can spare that copy.
   *
   * @param message the request; its own Lamport time is ignored
   * @param lamportTime the time the request leaves with
   * @return the reply, with the route of the request and the remote as sender
   */
  default Mono<Message> requestResponse(Message message, long lamportTime) {
    return requestResponse(message.stamped(message.sender(), lamportTime));
  }

  /**
   * Opens a stream. Demand is passed to the remote producer as the subscriber requests.
   *
   * @param message the request
   * @return the stream
   */
  Flux<Message> requestStream(Message message);

  /**
   * Opens a channel. The first message's route selects the handler; demand flows both ways.
   *
   * @param messages the outbound messages
   * @return the inbound messages
   */
  Flux<Message> requestChannel(Publisher<Message> messages);

  /**
   * Completes when this connection has closed, for whatever reason.
   *
   * @return completion
   */
  Mono<Void> onClose();
}
