package io.meshwork;

import reactor.core.publisher.Flux;

/**
 * Serves request-stream: one message in, a stream out. The returned {@code Flux} is requested
 * exactly as the remote subscriber requests, so a generator that honours demand (such as {@code
 * Flux.generate} or {@code Flux.range}) never produces more than the caller asked for.
 *
 * <pre>{@code
 * RequestStreamHandler count = m -> Flux.range(1, 100).map(i -> m.reply(Integer.toString(i)));
 * }</pre>
 */
@FunctionalInterface
public non-sealed interface RequestStreamHandler extends Handler {

  /**
   * Opens one stream.
   *
   * @param request the request; the handler owns it
   * @return the stream; cancelled when the caller cancels
   */
  Flux<Message> handle(Message request);

  @Override
  default Interaction interaction() {
    return Interaction.REQUEST_STREAM;
  }
}
