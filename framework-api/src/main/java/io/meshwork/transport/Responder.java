package io.meshwork.transport;

import io.meshwork.Message;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a transport calls for everything that arrives: the engine's side of the SPI.
 *
 * <p>Every method is called on the transport's I/O thread, must not block, and returns at once;
 * the work happens when the transport subscribes to what it returns. Messages arrive with {@link
 * Message#sender()} set to the id the peer claimed when it connected (or {@code null} for a plain
 * client). Ids are not authenticated yet: until credentials are configured, a client can claim
 * any id, so do not use the sender for access control. Errors are signalled as {@code io.meshwork.error} types, which the transport encodes
 * with {@link WireErrors}.
 */
public interface Responder {

  /**
   * A peer dialled this node and identified itself; the connection may now be used to send it
   * requests too.
   *
   * @param connection the accepted connection
   */
  void onConnection(Connection connection);

  /**
   * Handles a fire-and-forget message.
   *
   * @param message the message
   * @return completion
   */
  Mono<Void> fireAndForget(Message message);

  /**
   * Answers a request.
   *
   * @param message the request
   * @return the reply
   */
  Mono<Message> requestResponse(Message message);

  /**
   * Opens a stream.
   *
   * @param message the request
   * @return the stream, requested as the remote requests
   */
  Flux<Message> requestStream(Message message);

  /**
   * Opens a channel.
   *
   * @param inbound the caller's messages; the first one's route selects the handler
   * @return the messages to send back
   */
  Flux<Message> requestChannel(Flux<Message> inbound);
}
