package io.meshwork;

import reactor.core.publisher.Mono;

/**
 * Serves request-response: one message in, one out.
 *
 * <pre>{@code
 * RequestResponseHandler echo = m -> Mono.just(m.reply(m.payload()));
 * }</pre>
 */
@FunctionalInterface
public non-sealed interface RequestResponseHandler extends Handler {

  /**
   * Answers one request.
   *
   * @param request the request; the handler owns it
   * @return the reply; an empty {@code Mono} answers with an empty payload
   */
  Mono<Message> handle(Message request);

  @Override
  default Interaction interaction() {
    return Interaction.REQUEST_RESPONSE;
  }
}
