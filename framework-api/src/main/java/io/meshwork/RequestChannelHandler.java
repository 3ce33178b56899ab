package io.meshwork;

import reactor.core.publisher.Flux;

/**
 * Serves request-channel: a stream in, a stream out, each bounded by the other side's demand.
 *
 * <pre>{@code
 * RequestChannelHandler upper = in -> in.map(m -> m.reply(m.payloadAsString().toUpperCase()));
 * }</pre>
 */
@FunctionalInterface
public non-sealed interface RequestChannelHandler extends Handler {

  /**
   * Opens one channel.
   *
   * @param inbound the caller's messages, starting with the one that opened the channel; it may
   *     be subscribed once
   * @return the messages to send back
   */
  Flux<Message> handle(Flux<Message> inbound);

  @Override
  default Interaction interaction() {
    return Interaction.REQUEST_CHANNEL;
  }
}
