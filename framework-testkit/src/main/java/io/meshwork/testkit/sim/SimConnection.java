package io.meshwork.testkit.sim;

import io.meshwork.Address;
import io.meshwork.Message;
import io.meshwork.error.ConnectionClosedException;
import io.meshwork.transport.Connection;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.WireErrors;
import java.util.Optional;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One direction of a simulated connection. Each request and each reply crosses the network as a
 * separate message ({@link SimulatedNetwork#send}); one that is lost is never delivered, and the
 * caller's own timeout and retries (on the same virtual clock) take over, as over a real network.
 * Errors cross as code and message, decoded with the call's route and peer.
 */
final class SimConnection implements Connection {

  private final SimBinding from;
  private final SimBinding to;
  private final SimLink link;

  SimConnection(SimBinding from, SimBinding to, SimLink link) {
    this.from = from;
    this.to = to;
    this.link = link;
  }

  private SimulatedNetwork network() {
    return from.network();
  }

  private Address here() {
    return from.local().address();
  }

  private Address there() {
    return to.local().address();
  }

  @Override
  public PeerInfo remote() {
    return to.local();
  }

  @Override
  public Mono<Void> fireAndForget(Message message) {
    return Mono.fromRunnable(
        () ->
            network()
                .send(
                    here(),
                    there(),
                    "ff:" + message.route(),
                    () -> to.runDetached(to.responder().fireAndForget(inbound(message))),
                    true));
  }

  @Override
  public Mono<Message> requestResponse(Message message) {
    String route = message.route();
    return Mono.create(
        sink -> {
          Disposable.Swap handling = Disposables.swap();
          Disposable onClose = link.onClose().subscribe(null, null, () -> sink.error(closed(route)));
          sink.onDispose(Disposables.composite(handling, onClose));
          network()
              .send(
                  here(),
                  there(),
                  "rr:" + route,
                  () ->
                      handling.update(
                          to.responder()
                              .requestResponse(inbound(message))
                              // exactly one answer crosses back: a value, an error, or "empty"
                              .map(Optional::of)
                              .defaultIfEmpty(Optional.empty())
                              .subscribe(
                                  reply ->
                                      answer(
                                          route,
                                          reply.isPresent() ? "reply" : "empty",
                                          () ->
                                              sink.success(
                                                  reply.map(r -> reply(route, r)).orElse(null))),
                                  error ->
                                      answer(route, "error", () -> sink.error(retype(route, error))))),
                  false);
        });
  }

  private void answer(String route, String kind, Runnable deliver) {
    network().send(there(), here(), kind + ":" + route, deliver, false);
  }

  @Override
  public Flux<Message> requestStream(Message message) {
    String route = message.route();
    return opened("rs:" + route)
        .thenMany(Flux.defer(() -> to.responder().requestStream(inbound(message))))
        .map(reply -> reply(route, reply))
        .onErrorMap(e -> retype(route, e))
        .takeUntilOther(link.onClose().then(Mono.error(() -> closed(route))));
  }

  @Override
  public Flux<Message> requestChannel(Publisher<Message> messages) {
    return Flux.defer(
        () -> {
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
          return opened("rc")
              .thenMany(Flux.defer(() -> to.responder().requestChannel(outbound)))
              .map(reply -> reply(route[0] == null ? reply.route() : route[0], reply))
              .onErrorMap(e -> retype(route[0] == null ? "<channel>" : route[0], e))
              .takeUntilOther(link.onClose().then(Mono.error(() -> closed("<channel>"))));
        });
  }

  /** Completes when the opening request arrives, or never if it is lost. */
  private Mono<Void> opened(String what) {
    return Mono.create(
        sink -> network().send(here(), there(), what, sink::success, false));
  }

  private Message inbound(Message m) {
    return m.stamped(from.local().id(), m.lamportTime());
  }

  private Message reply(String route, Message reply) {
    return Message.create(
        route, reply.payload(), reply.headers(), to.local().id(), reply.lamportTime());
  }

  private Throwable retype(String route, Throwable e) {
    return WireErrors.crossed(e, route, to.local().id());
  }

  private ConnectionClosedException closed(String route) {
    return new ConnectionClosedException(
        "Simulated connection "
            + here()
            + " > "
            + there()
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
