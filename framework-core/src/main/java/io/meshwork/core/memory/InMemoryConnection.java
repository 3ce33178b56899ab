package io.meshwork.core.memory;

import io.meshwork.Message;
import io.meshwork.error.ConnectionClosedException;
import io.meshwork.error.MeshworkException;
import io.meshwork.transport.Connection;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.WireErrors;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One direction of an in-memory connection: calls made by {@code from}'s node, served by {@code
 * to}'s responder. Both directions share one {@link InMemoryLink}. Errors cross it as they would cross a
 * wire: reduced to code and message, then decoded with this call's route and peer.
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
        () ->
            isDisposed()
                ? Mono.error(closedError(message))
                : to.responder().fireAndForget(inbound(message)).onErrorResume(e -> Mono.empty()));
  }

  @Override
  public Mono<Message> requestResponse(Message message) {
    return Mono.defer(
        () ->
            isDisposed()
                ? Mono.error(closedError(message))
                : to.responder()
                    .requestResponse(inbound(message))
                    .map(reply -> reply(message, reply))
                    .onErrorMap(e -> retype(message, e)));
  }

  @Override
  public Flux<Message> requestStream(Message message) {
    return Flux.defer(
        () ->
            isDisposed()
                ? Flux.error(closedError(message))
                : to.responder()
                    .requestStream(inbound(message))
                    .map(reply -> reply(message, reply))
                    .onErrorMap(e -> retype(message, e)));
  }

  @Override
  public Flux<Message> requestChannel(Publisher<Message> messages) {
    return Flux.defer(
        () -> {
          if (isDisposed()) {
            return Flux.error(new ConnectionClosedException(describe("channel"), null));
          }
          String[] route = new String[1];
          Flux<Message> outbound =
              Flux.from(messages)
                  .map(
                      m -> {
                        if (route[0] == null) {
                          route[0] = m.route();
                        }
                        return Message.create(
                            route[0], m.payload(), m.headers(), from.local().id(), m.lamportTime());
                      });
          return to.responder()
              .requestChannel(outbound)
              .map(
                  reply ->
                      Message.create(
                          route[0] == null ? reply.route() : route[0],
                          reply.payload(),
                          reply.headers(),
                          to.local().id(),
                          reply.lamportTime()))
              .onErrorMap(e -> retype(route[0] == null ? "" : route[0], e));
        });
  }

  private Message inbound(Message m) {
    return m.stamped(from.local().id(), m.lamportTime());
  }

  private Message reply(Message request, Message reply) {
    return Message.create(
        request.route(), reply.payload(), reply.headers(), to.local().id(), reply.lamportTime());
  }

  private MeshworkException retype(Message request, Throwable e) {
    return retype(request.route(), e);
  }

  private MeshworkException retype(String route, Throwable e) {
    return WireErrors.decode(WireErrors.code(e), WireErrors.message(e), route, to.local().id());
  }

  private ConnectionClosedException closedError(Message m) {
    return new ConnectionClosedException(describe("route '" + m.route() + "'"), null);
  }

  private String describe(String what) {
    return "In-memory connection from "
        + from.local().id()
        + " to "
        + to.local().id()
        + " is closed; "
        + what
        + " was not sent";
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
