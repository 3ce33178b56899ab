package io.meshwork.testkit.sim;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The close state shared by both directions of one simulated connection. */
final class SimLink {

  private final Sinks.Empty<Void> closed = Sinks.empty();
  private boolean isClosed;

  void close() {
    isClosed = true;
    closed.tryEmitEmpty();
  }

  boolean isClosed() {
    return isClosed;
  }

  Mono<Void> onClose() {
    return closed.asMono();
  }
}
