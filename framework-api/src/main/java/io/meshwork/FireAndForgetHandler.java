package io.meshwork;

import reactor.core.publisher.Mono;

/**
 * Serves fire-and-forget messages. The sender learns nothing of the outcome: delivery is
 * at-most-once and an error here is only logged and counted on this node.
 *
 * <pre>{@code
 * FireAndForgetHandler log = m -> Mono.fromRunnable(() -> audit.add(m.payloadAsString()));
 * }</pre>
 */
@FunctionalInterface
public non-sealed interface FireAndForgetHandler extends Handler {

  /**
   * Handles one message.
   *
   * @param message the message; the handler owns it
   * @return completion when the message has been handled
   */
  Mono<Void> handle(Message message);

  @Override
  default Interaction interaction() {
    return Interaction.FIRE_AND_FORGET;
  }
}
