package io.meshwork.core;

import io.meshwork.FireAndForgetHandler;
import io.meshwork.Interaction;
import io.meshwork.Message;
import io.meshwork.core.metrics.Metered;
import io.meshwork.spi.CallOutcome;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

/**
 * A fire-and-forget message whose handler is a consumer ({@link FireAndForgetHandler#consumer()}),
 * as the {@link Router} passes it on: on subscription the consumer runs on the subscribing thread
 * (the transport's, as the message arrives), a failure is logged, and the subscriber completes.
 *
 * <p>The run has ended before {@code subscribe} returns, so it takes no admission slot, and it
 * replaces what {@link HandledSend} does around a handler's {@code Mono}: four atomic updates of
 * the admission counters, one more for the release, and two objects per message. When the node is
 * metered, the run is timed as a call, {@code handler_failed} if the consumer threw.
 */
final class ConsumedSend extends Mono<Void> {

  private final Consumer<Message> consumer;
  private final Message message;
  private final Router router;
  private final @Nullable Metered metered;

  ConsumedSend(Consumer<Message> consumer, Message message, Router router, @Nullable Metered metered) {
    this.consumer = consumer;
    this.message = message;
    this.router = router;
    this.metered = metered;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Void> actual) {
    Metered m = metered;
    if (m == null) {
      run();
    } else {
      long start = m.begin();
      CallOutcome outcome = CallOutcome.ERROR; // if run() throws: a fatal error, rethrown
      try {
        outcome = run();
      } finally {
        m.end(start, message.route(), Interaction.FIRE_AND_FORGET, true, outcome);
      }
    }
    Operators.complete(actual);
  }

  /**
   * Runs the consumer once; a failure is logged, as {@link HandledSend} logs a failed handler.
   *
   * @return how it ended
   */
  private CallOutcome run() {
    try {
      consumer.accept(message);
      return CallOutcome.SUCCESS;
    } catch (Throwable t) {
      Exceptions.throwIfJvmFatal(t);
      router.sendFailed(message.route(), t);
      return CallOutcome.HANDLER_FAILED;
    }
  }
}
