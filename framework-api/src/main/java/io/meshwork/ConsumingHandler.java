package io.meshwork;

import java.util.Objects;
import java.util.function.Consumer;
import reactor.core.publisher.Mono;

/** What {@link Handlers#fireAndForget(Consumer)} makes: a handler that is a consumer. */
final class ConsumingHandler implements FireAndForgetHandler {

  private final Consumer<Message> consumer;

  ConsumingHandler(Consumer<Message> consumer) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
  }

  @Override
  public Mono<Void> handle(Message message) {
    return Mono.fromRunnable(() -> consumer.accept(message));
  }

  @Override
  public Consumer<Message> consumer() {
    return consumer;
  }

  @Override
  public String toString() {
    return "FireAndForgetHandler(" + consumer + ")";
  }
}
