package io.meshwork.core.memory;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** The close state shared by the two directions of one in-memory connection. */
final class InMemoryLink {

  private final Sinks.Empty<Void> closed = Sinks.empty();
  private volatile boolean isClosed;

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
