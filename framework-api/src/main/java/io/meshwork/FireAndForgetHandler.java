package io.meshwork;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
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

  /**
   * The non-blocking consumer this handler amounts to, if it is no more than one (what {@link
   * Handlers#fireAndForget(Consumer)} makes), else {@code null}, the default.
   *
   * <p>A node may then run the consumer itself, on the thread the message arrived on, in place of
   * subscribing to {@link #handle}: the two must do the same. Such a run has ended by the time
   * that thread reads the next message, so it cannot pile up, and it takes none of the node's
   * overload slots (see {@link NodeBuilder#overloadLimits}); that saves their atomic counters and
   * a {@code Mono} per message. A consumer's exception is logged, as a failed {@code handle}
   * would be.
   *
   * @return the consumer, or {@code null} if the node must subscribe to {@link #handle}
   */
  default @Nullable Consumer<Message> consumer() {
    return null;
  }

  @Override
  default Interaction interaction() {
    return Interaction.FIRE_AND_FORGET;
  }
}
