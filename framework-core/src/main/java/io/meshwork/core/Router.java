package io.meshwork.core;

import io.meshwork.FireAndForgetHandler;
import io.meshwork.Handler;
import io.meshwork.Interaction;
import io.meshwork.Message;
import io.meshwork.NodeId;
import io.meshwork.RequestChannelHandler;
import io.meshwork.RequestResponseHandler;
import io.meshwork.RequestStreamHandler;
import io.meshwork.clock.LamportClock;
import io.meshwork.core.membership.Swim;
import io.meshwork.core.metrics.Metered;
import io.meshwork.spi.CallOutcome;
import io.meshwork.spi.NodeMetrics;
import org.jspecify.annotations.Nullable;
import io.meshwork.error.HandlerException;
import io.meshwork.error.NoSuchRouteException;
import io.meshwork.error.PayloadTooLargeException;
import io.meshwork.error.RejectedException;
import io.meshwork.transport.Connection;
import io.meshwork.transport.Responder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Dispatches what arrives to the route's handler, and turns every failure into a typed error:
 * unknown route, oversize payload, or the handler's own failure (thrown or signalled), so nothing
 * a handler does can escape into the transport. Adds no operator that prefetches: the handler's
 * publisher is requested exactly as the remote requests.
 */
final class Router implements Responder {

  private static final Logger log = LoggerFactory.getLogger(Router.class);

  private final NodeId self;
  private final RouteTable routes;
  private final int maxInboundPayloadSize;
  private final Consumer<Connection> onConnection;
  private final LamportClock clock;
  private final @Nullable Metered metered;
  private final NodeMetrics.Recorder recorder;
  private final Swim membership;
  private final Admission admission;

  Router(
      NodeId self,
      RouteTable routes,
      int maxInboundPayloadSize,
      LamportClock clock,
      @Nullable Metered metered,
      Swim membership,
      Admission admission,
      Consumer<Connection> onConnection) {
    this.self = self;
    this.membership = membership;
    this.admission = admission;
    this.clock = clock;
    this.metered = metered;
    this.recorder = metered == null ? NodeMetrics.NONE.start(self, () -> 0, () -> 0) : metered.recorder();
    this.routes = routes;
    this.maxInboundPayloadSize = maxInboundPayloadSize;
    this.onConnection = onConnection;
  }

  @Override
  public void onConnection(Connection connection) {
    onConnection.accept(connection);
  }

  @Override
  public Mono<Void> fireAndForget(Message message) {
    if (isMembership(message)) {
      membership.fireAndForget(message);
      return Mono.empty();
    }
    return dispatchFireAndForget(message); // counted and timed there: no one sees its outcome
  }

  @Override
  public Mono<Message> requestResponse(Message message) {
    if (isMembership(message)) {
      return membership.request(message);
    }
    Mono<Message> r = dispatchRequestResponse(message);
    return metered == null
        ? r
        : metered.mono(r, routeTag(message.route()), Interaction.REQUEST_RESPONSE, true);
  }

  @Override
  public Flux<Message> requestStream(Message message) {
    Flux<Message> r = dispatchRequestStream(message);
    return metered == null
        ? r
        : metered.flux(r, routeTag(message.route()), Interaction.REQUEST_STREAM, true);
  }

  /**
   * The membership protocol's frames go to it directly: they are not user calls, so they are not
   * metered and do not advance the Lamport clock.
   */
  private static boolean isMembership(Message message) {
    return message.route().equals(Swim.ROUTE);
  }

  /** A route tag callers cannot inflate: routes this node does not serve are UNKNOWN. */
  private String routeTag(String route) {
    return routes.serves(route) ? route : "UNKNOWN";
  }

  /**
   * Dispatches a fire-and-forget message. Its outcome reaches no caller, so every outcome is
   * recorded here or by the operator returned: a message dropped before its handler runs (no
   * route, too large, refused, the handler threw) is counted with no timing; a handler that runs is
   * timed by its {@link ConsumedSend} or {@link HandledSend}.
   */
  private Mono<Void> dispatchFireAndForget(Message message) {
    received(message);
    String route = message.route();
    Handler h = routes.find(route, Interaction.FIRE_AND_FORGET);
    if (h == null || message.payloadSize() > maxInboundPayloadSize) {
      log.warn(
          "Node {} dropped a fire-and-forget message from {}: {}",
          self,
          message.sender(),
          h == null
              ? routes.explainMissing(route, Interaction.FIRE_AND_FORGET)
              : tooLarge(message).getMessage());
      dropped(route, h == null ? CallOutcome.NO_ROUTE : CallOutcome.PAYLOAD_TOO_LARGE);
      return Mono.empty();
    }
    Consumer<Message> consumer = ((FireAndForgetHandler) h).consumer();
    if (consumer != null) { // ends before its subscribe returns: no admission slot
      return new ConsumedSend(consumer, message, this, metered);
    }
    NodeId peer = message.sender();
    AtomicInteger slots = admission.slotsOf(peer);
    int verdict = admission.tryAcquire(slots);
    if (verdict != Admission.ADMITTED) {
      if (log.isDebugEnabled()) {
        log.debug(
            "Node {} dropped a fire-and-forget message: {}",
            self,
            admission.refusal(verdict, peer, route).getMessage());
      }
      // No exception and no timing: under a flood this is most messages.
      dropped(route, CallOutcome.REJECTED);
      return Mono.empty();
    }
    try {
      return new HandledSend(
          ((FireAndForgetHandler) h).handle(message), this, route, admission, slots, metered);
    } catch (Throwable t) { // thrown, or null returned
      admission.release(slots);
      sendFailed(route, t);
      dropped(route, CallOutcome.HANDLER_FAILED);
      return Mono.empty();
    }
  }

  /** Counts a fire-and-forget message that ended before a handler ran, with no timing. */
  private void dropped(String route, CallOutcome outcome) {
    recorder.call(routeTag(route), Interaction.FIRE_AND_FORGET, true, outcome, 0L);
  }

  /** Frees a stream's or channel's admission slot once, however often it is subscribed. */
  private java.util.function.Consumer<reactor.core.publisher.SignalType> releaseOnce(
      @Nullable NodeId peer) {
    java.util.concurrent.atomic.AtomicBoolean released =
        new java.util.concurrent.atomic.AtomicBoolean();
    return signal -> {
      if (released.compareAndSet(false, true)) {
        admission.release(peer);
      }
    };
  }

  /** A fire-and-forget handler failed: no one waits for the outcome, so it is logged. */
  void sendFailed(String route, Throwable t) {
    log.warn("Node {}: fire-and-forget handler of route '{}' failed", self, route, t);
  }

  private Mono<Message> dispatchRequestResponse(Message message) {
    received(message);
    Handler h = routes.find(message.route(), Interaction.REQUEST_RESPONSE);
    if (h == null) {
      return Mono.error(noSuchRoute(message.route(), Interaction.REQUEST_RESPONSE));
    }
    if (message.payloadSize() > maxInboundPayloadSize) {
      return Mono.error(tooLarge(message));
    }
    String route = message.route();
    NodeId peer = message.sender();
    AtomicInteger slots = admission.slotsOf(peer);
    RejectedException refused = admission.tryAcquire(slots, peer, route);
    if (refused != null) {
      return Mono.error(refused);
    }
    try {
      return new HandledReply(
          ((RequestResponseHandler) h).handle(message), this, route, admission, slots);
    } catch (Throwable t) { // thrown, or null returned
      admission.release(slots);
      return Mono.error(failed(route, t));
    }
  }

  private Flux<Message> dispatchRequestStream(Message message) {
    received(message);
    Handler h = routes.find(message.route(), Interaction.REQUEST_STREAM);
    if (h == null) {
      return Flux.error(noSuchRoute(message.route(), Interaction.REQUEST_STREAM));
    }
    if (message.payloadSize() > maxInboundPayloadSize) {
      return Flux.error(tooLarge(message));
    }
    String route = message.route();
    NodeId peer = message.sender();
    RejectedException refused = admission.tryAcquire(peer, route);
    if (refused != null) {
      return Flux.error(refused);
    }
    Flux<Message> served;
    try {
      served =
          ((RequestStreamHandler) h)
              .handle(message)
              .map(this::stamp)
              .onErrorMap(t -> failed(route, t));
    } catch (Throwable t) {
      served = Flux.error(failed(route, t));
    }
    return served.doFinally(releaseOnce(peer));
  }

  @Override
  public Flux<Message> requestChannel(Flux<Message> inbound) {
    return inbound.switchOnFirst(
        (first, all) -> {
          if (!first.hasValue()) {
            return all; // empty or failed before the first message: pass the signal through
          }
          Message opening = first.get();
          String route = opening.route();
          Handler h = routes.find(route, Interaction.REQUEST_CHANNEL);
          if (h == null) {
            return Flux.error(noSuchRoute(route, Interaction.REQUEST_CHANNEL));
          }
          NodeId peer = opening.sender();
          RejectedException refused = admission.tryAcquire(peer, route);
          if (refused != null) {
            return Flux.error(refused);
          }
          // An error from the inbound side (our refusal of an oversize message, a malformed
          // frame, the caller's own failure) is not the handler's failure: pass it on as is.
          Throwable[] inboundError = new Throwable[1];
          Flux<Message> checked =
              all.<Message>handle(
                      (m, sink) -> {
                        if (m.payloadSize() > maxInboundPayloadSize) {
                          sink.error(tooLarge(m));
                        } else {
                          sink.next(m);
                        }
                      })
                  .doOnError(e -> inboundError[0] = e);
          Flux<Message> served;
          try {
            served =
                ((RequestChannelHandler) h)
                    .handle(checked)
                    .map(this::stamp)
                    .onErrorMap(t -> t == inboundError[0] ? t : failed(route, t));
          } catch (Throwable t) {
            served = Flux.error(failed(route, t));
          }
          served = served.doFinally(releaseOnce(peer));
          return metered == null
              ? served
              : metered.flux(served, route, Interaction.REQUEST_CHANNEL, true);
        });
  }

  /** A message arrived: count it and advance the Lamport clock. */
  private void received(Message m) {
    recorder.message(true, m.payloadSize());
    clock.receive(m.lamportTime());
  }

  /** A reply leaves with this node's next Lamport time. */
  Message stamp(Message reply) {
    recorder.message(false, reply.payloadSize());
    return reply.stamped(self, clock.tick()); // a reply to a call to this node itself comes from it too
  }

  private NoSuchRouteException noSuchRoute(String route, Interaction interaction) {
    return new NoSuchRouteException(
        route,
        self.value(),
        "Node " + self + " has " + routes.explainMissing(route, interaction));
  }

  private PayloadTooLargeException tooLarge(Message message) {
    return PayloadTooLargeException.of(
        message.payloadSize(), maxInboundPayloadSize, message.route(), self.value());
  }

  /** A handler's error as the caller will see it; typed errors from its own nested calls too. */
  Throwable failed(String route, Throwable t) {
    if (log.isDebugEnabled()) {
      log.debug("Node {}: handler of route '{}' failed", self, route, t);
    }
    return new HandlerException(route, self.value(), t.getClass().getName(), t.getMessage(), t);
  }
}
