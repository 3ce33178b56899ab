package io.meshwork.core.memory;

import io.meshwork.Message;
import io.meshwork.error.ConnectionClosedException;
import io.meshwork.error.MeshworkException;
import io.meshwork.transport.Connection;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.WireErrors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One direction of an in-memory connection: calls made by {@code from}'s node, served by {@code
 * to}'s responder. Both directions share one {@link InMemoryLink}. It behaves as the wire does:
 * errors are reduced to code and message, then decoded with this call's route and peer;
 * fire-and-forget completes once "written", without waiting for the handler; a call in flight
 * when the link closes fails with {@link ConnectionClosedException}.
 */
final class InMemoryConnection implements Connection {

  private final InMemoryBinding from;
  private final InMemoryBinding to;
  private final InMemoryLink link;

  InMemoryConnection(InMemoryBinding from, InMemoryBinding to, InMemoryLink link) {
    this.from = from;
    this.to = to;
    this.link = link;
  }

  @Override
  public PeerInfo remote() {
    return to.local();
  }

  @Override
  public Mono<Void> fireAndForget(Message message) {
    return Mono.defer(
        () -> {
          if (isDisposed()) {
            return Mono.error(closedError(message.route()));
          }
          to.runDetached(to.responder().fireAndForget(inbound(message)));
          return Mono.empty();
        });
  }

  @Override
  public Mono<Message> requestResponse(Message message) {
    String route = message.route();
    return Mono.defer(
        () -> {
          if (isDisposed()) {
            return Mono.error(closedError(route));
          }
          AtomicBoolean cut = new AtomicBoolean();
          // A Mono all the way: converting to a Flux and back with next() would cancel the
          // handler's Mono after its value, before it completes.
          return to.responder()
              .requestResponse(inbound(message))
              .map(reply -> reply(route, reply))
              .onErrorMap(e -> retype(route, e))
              .takeUntilOther(closeSignal(cut))
              .switchIfEmpty(Mono.defer(() -> cut.get() ? Mono.error(closedError(route)) : Mono.empty()));
        });
  }

  @Override
  public Flux<Message> requestStream(Message message) {
    String route = message.route();
    return guarded(
        Flux.defer(
            () ->
                to.responder()
                    .requestStream(inbound(message))
                    .map(reply -> reply(route, reply))),
        route);
  }

  @Override
  public Flux<Message> requestChannel(Publisher<Message> messages) {
    return Flux.defer(
        () -> {
          String[] route = new String[1];
          // As on the wire: a failing outbound side ends the whole channel with its error.
          Sinks.Empty<Void> outboundFailed = Sinks.empty();
          Flux<Message> outbound =
              Flux.from(messages)
                  .doOnError(outboundFailed::tryEmitError)
                  .map(
                      m -> {
                        if (route[0] == null) {
                          route[0] = m.route();
                        }
                        return Message.create(
                            route[0], m.payload(), m.headers(), from.local().id(), m.lamportTime());
                      });
          return guarded(
              to.responder()
                  .requestChannel(outbound)
                  .map(reply -> reply(route[0] == null ? reply.route() : route[0], reply))
                  .takeUntilOther(outboundFailed.asMono()),
              route[0] == null ? "<channel>" : route[0]);
        });
  }

  /**
   * Retypes errors as the wire would, and cuts the call with {@link ConnectionClosedException}
   * if the link closes first. Adds no prefetch: demand passes straight through.
   */
  private Flux<Message> guarded(Flux<Message> call, String route) {
    return Flux.defer(
        () -> {
          if (isDisposed()) {
            return Flux.error(closedError(route));
          }
          AtomicBoolean cut = new AtomicBoolean();
          return call.onErrorMap(e -> retype(route, e))
              .takeUntilOther(closeSignal(cut))
              .concatWith(Mono.defer(() -> cut.get() ? Mono.error(closedError(route)) : Mono.empty()));
        });
  }

  /** Emits (and sets {@code cut}) when the link closes. */
  private Mono<Boolean> closeSignal(AtomicBoolean cut) {
    return link.onClose().then(Mono.fromRunnable(() -> cut.set(true))).thenReturn(Boolean.TRUE);
  }

  private Message inbound(Message m) {
    return m.stamped(from.local().id(), m.lamportTime());
  }

  private Message reply(String route, Message reply) {
    return Message.create(
        route, reply.payload(), reply.headers(), to.local().id(), reply.lamportTime());
  }

  private MeshworkException retype(String route, Throwable e) {
    return WireErrors.crossed(e, route, to.local().id());
  }

  private ConnectionClosedException closedError(String route) {
    return new ConnectionClosedException(
        "In-memory connection from "
            + from.local().id()
            + " to "
            + to.local().id()
            + " closed during a call to route '"
            + route
            + "'",
        null);
  }

  @Override
  public Mono<Void> onClose() {
    return link.onClose();
  }

  @Override
  public void dispose() {
    link.close();
  }

  @Override
  public boolean isDisposed() {
    return link.isClosed();
  }
}
