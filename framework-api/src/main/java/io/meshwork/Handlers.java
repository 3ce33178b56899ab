package io.meshwork;

import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Factories that give a lambda its interaction model, for readable route tables.
 *
 * <pre>{@code
 * Node.builder()
 *     .route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))))
 *     .route("ticks", Handlers.stream(m -> Flux.range(0, 10).map(i -> m.reply("tick " + i))))
 *     .route("news", Handlers.fireAndForget(m -> log.info("{}", m.payloadAsString())))
 *     .route("upper", Handlers.channel(in -> in.map(m -> m.reply(m.payloadAsString().toUpperCase()))));
 * }</pre>
 */
public final class Handlers {

  private Handlers() {}

  /**
   * A request-response handler.
   *
   * @param handler the function answering a request
   * @return the handler
   */
  public static RequestResponseHandler requestResponse(Function<Message, Mono<Message>> handler) {
    return handler::apply;
  }

  /**
   * A request-stream handler.
   *
   * @param handler the function opening a stream
   * @return the handler
   */
  public static RequestStreamHandler stream(Function<Message, Flux<Message>> handler) {
    return handler::apply;
  }

  /**
   * A request-channel handler.
   *
   * @param handler the function mapping the inbound stream to the outbound one
   * @return the handler
   */
  public static RequestChannelHandler channel(Function<Flux<Message>, Flux<Message>> handler) {
    return handler::apply;
  }

  /**
   * A fire-and-forget handler that runs a non-blocking consumer. A node runs the consumer directly
   * on the thread the message arrived on (see {@link FireAndForgetHandler#consumer()}); {@link
   * FireAndForgetHandler#handle} runs it on each subscription.
   *
   * @param consumer the consumer; it must not block
   * @return the handler
   */
  public static FireAndForgetHandler fireAndForget(Consumer<Message> consumer) {
    return new ConsumingHandler(consumer);
  }
}
