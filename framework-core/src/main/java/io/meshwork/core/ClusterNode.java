package io.meshwork.core;

import io.meshwork.Address;
import io.meshwork.BroadcastOptions;
import io.meshwork.CallOptions;
import io.meshwork.Delivery;
import io.meshwork.Interaction;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.NodeId;
import io.meshwork.Target;
import io.meshwork.error.PayloadTooLargeException;
import io.meshwork.core.broadcast.Broadcaster;
import io.meshwork.core.metrics.Metered;
import io.meshwork.core.resilience.CallPolicy;
import io.meshwork.core.resilience.RetryRules;
import io.meshwork.clock.LamportClock;
import io.meshwork.spi.NodeMetrics;
import io.meshwork.spi.NodeOptions;
import io.meshwork.transport.Connection;
import io.meshwork.transport.OwnedSubscriptions;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.TransportBinding;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A node: composes the transport binding, the router and the peer connections. Holds no protocol
 * logic of its own.
 */
final class ClusterNode implements Node {

  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

  private enum State {
    NEW,
    STARTING,
    RUNNING,
    STOPPED
  }

  private final NodeOptions options;
  private final NodeId id;
  private final Router router;
  private final CallPolicy policy;
  private final Broadcaster broadcaster;
  private final LamportClock clock = new LamportClock();
  private final NodeMetrics.Recorder recorder;
  private final @Nullable Metered metered;
  private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
  private final Sinks.Empty<Void> closed = Sinks.empty();
  private final OwnedSubscriptions detached = new OwnedSubscriptions();
  private final PeerConnections peers;
  private volatile @Nullable TransportBinding binding;

  ClusterNode(NodeOptions options) {
    this.options = options;
    this.id = options.id();
    this.peers = new PeerConnections(id);
    AtomicInteger active = new AtomicInteger();
    this.recorder = options.metrics().start(id, peers::connected, active::get);
    this.metered =
        options.metrics() == NodeMetrics.NONE
            ? null
            : new Metered(recorder, options.environment(), active);
    this.policy = new CallPolicy(id, options.environment(), recorder::retry);
    this.broadcaster = new Broadcaster(this, peers::members, recorder::dropped);
    this.router =
        new Router(
            id,
            new RouteTable(options.routes()),
            options.maxInboundPayloadSize(),
            clock,
            metered,
            this::accepted);
  }

  @Override
  public NodeId id() {
    return id;
  }

  @Override
  public Address address() {
    TransportBinding b = binding;
    if (b == null) {
      throw new IllegalStateException("Node " + id + " has no address before start() completes");
    }
    return b.local().address();
  }

  @Override
  public Mono<Node> start() {
    return Mono.defer(
        () -> {
          if (!state.compareAndSet(State.NEW, State.STARTING)) {
            return Mono.error(
                new IllegalStateException("Node " + id + " was already started (" + state + ")"));
          }
          PeerInfo local =
              new PeerInfo(id, options.bindAddress(), options.maxInboundPayloadSize());
          return options
              .transport()
              .bind(local, router)
              .doOnError(e -> state.compareAndSet(State.STARTING, State.NEW)) // may try again
              .flatMap(
                  b -> {
                    peers.attach(b);
                    this.binding = b;
                    if (!state.compareAndSet(State.STARTING, State.RUNNING)) {
                      b.dispose(); // shut down while binding
                      return Mono.error(
                          new IllegalStateException("Node " + id + " was shut down while starting"));
                    }
                    log.info("Node {} listening on {}", id, b.local().address());
                    return connectSeeds(b.local().address()).thenReturn((Node) this);
                  });
        });
  }

  private Mono<Void> connectSeeds(Address own) {
    return Flux.fromIterable(options.seeds())
        .filter(seed -> !seed.equals(own))
        .flatMap(
            seed ->
                peers.dial(seed)
                    .onErrorResume(
                        e -> {
                          log.warn("Node {} could not reach seed {}: {}", id, seed, e.getMessage());
                          return Mono.empty();
                        }))
        .then();
  }

  private void accepted(Connection connection) {
    if (state.get() == State.STOPPED) {
      connection.dispose();
    } else {
      peers.accepted(connection); // also while starting: the binding may accept before it returns
    }
  }

  @Override
  public Mono<Void> shutdown() {
    return Mono.defer(
        () -> {
          State previous = state.getAndSet(State.STOPPED);
          TransportBinding b = binding;
          if (previous != State.STOPPED) {
            policy.dispose();
            recorder.close();
            detached.dispose();
            peers.dispose();
            if (b != null) {
              b.dispose();
              log.info("Node {} shut down", id);
            }
            if (b == null) {
              closed.tryEmitEmpty();
              return Mono.empty();
            }
            return b.onClose().doFinally(s -> closed.tryEmitEmpty());
          }
          return closed.asMono();
        });
  }

  @Override
  public Mono<Void> onClose() {
    return closed.asMono();
  }

  @Override
  public LamportClock clock() {
    return clock;
  }

  /** An outgoing message leaves with this node's next Lamport time. */
  private Message outgoing(Message m) {
    recorder.message(false, m.payloadSize());
    return m.stamped(m.sender(), clock.tick());
  }

  /** The Lamport time an outgoing message leaves with, for a transport to write: no copy. */
  private long outgoingTime(Message m) {
    recorder.message(false, m.payloadSize());
    return clock.tick();
  }

  /** A call to this node itself: sender and Lamport time set as a transport would. */
  private Message toSelf(Message m) {
    recorder.message(false, m.payloadSize());
    return m.stamped(id, clock.tick());
  }

  /** {@link #incoming(Message)}, made once rather than per call. */
  private final UnaryOperator<Message> incoming = this::incoming;

  /** An incoming reply advances this node's Lamport time. */
  private Message incoming(Message reply) {
    recorder.message(true, reply.payloadSize());
    clock.receive(reply.lamportTime());
    return reply;
  }

  private <T> Mono<T> metered(Mono<T> call, String route, Interaction interaction) {
    return metered == null ? call : metered.mono(call, route, interaction, false);
  }

  private <T> Flux<T> metered(Flux<T> call, String route, Interaction interaction) {
    return metered == null ? call : metered.flux(call, route, interaction, false);
  }

  @Override
  public CallOptions callOptions() {
    return options.callOptions();
  }

  @Override
  public Mono<Void> send(Target target, Message message) {
    return send(target, message, options.callOptions());
  }

  @Override
  public Mono<Message> request(Target target, Message message) {
    return request(target, message, options.callOptions());
  }

  @Override
  public Flux<Message> stream(Target target, Message message) {
    return stream(target, message, options.callOptions());
  }

  @Override
  public Flux<Message> channel(Target target, Publisher<Message> messages) {
    return channel(target, messages, options.callOptions());
  }

  @Override
  public Mono<Void> send(Target target, Message message, CallOptions call) {
    // A send completes once written: a per-attempt timeout would bound nothing useful.
    return metered(
        policy.mono(
            () -> sendAttempt(target, message),
            UnaryOperator.identity(),
            null,
            call.retry(),
            RetryRules::nothingWasSent,
            () -> "fire-and-forget to route '" + message.route() + "' at " + target),
        message.route(),
        Interaction.FIRE_AND_FORGET);
  }

  /** One attempt of a send; on a live connection without a lambda or an operator of its own. */
  private Mono<Void> sendAttempt(Target target, Message message) {
    if (isSelf(target)) {
      return sendToSelf(outgoing(message));
    }
    Connection live = live(target);
    if (live != null) {
      PayloadTooLargeException e = tooLarge(live, message);
      return e != null ? Mono.error(e) : live.fireAndForget(message, outgoingTime(message));
    }
    return connection(target)
        .flatMap(c -> checked(c, message, () -> c.fireAndForget(outgoing(message))));
  }

  /** As over a wire: the send completes at once, the handler runs apart (until shutdown). */
  private Mono<Void> sendToSelf(Message message) {
    return Mono.fromRunnable(
        () -> detached.run(router.fireAndForget(message.stamped(id, message.lamportTime()))));
  }

  @Override
  public Mono<Message> request(Target target, Message message, CallOptions call) {
    return metered(
        policy.mono(
            () -> requestAttempt(target, message),
            incoming,
            call.timeout(),
            call.retry(),
            call.idempotent() ? RetryRules::mayRetryIdempotent : RetryRules::mayRetryOnce,
            () -> "request to route '" + message.route() + "' at " + target),
        message.route(),
        Interaction.REQUEST_RESPONSE);
  }

  /** One attempt of a request; on a live connection without a lambda or an operator of its own. */
  private Mono<Message> requestAttempt(Target target, Message message) {
    if (isSelf(target)) {
      return router.requestResponse(toSelf(message));
    }
    Connection live = live(target);
    if (live != null) {
      PayloadTooLargeException e = tooLarge(live, message);
      return e != null ? Mono.error(e) : live.requestResponse(message, outgoingTime(message));
    }
    return connection(target)
        .flatMap(c -> checked(c, message, () -> c.requestResponse(outgoing(message))));
  }

  @Override
  public Flux<Message> stream(Target target, Message message, CallOptions call) {
    Flux<Message> attempt =
        Flux.defer(
            () ->
                isSelf(target)
                    ? router.requestStream(toSelf(message))
                    : connection(target)
                        .flatMapMany(
                            c -> {
                              PayloadTooLargeException e = tooLarge(c, message);
                              return e != null ? Flux.error(e) : c.requestStream(outgoing(message));
                            }))
            .map(this::incoming);
    boolean idempotent = call.idempotent();
    return metered(
        policy.flux(
            attempt,
            call,
            e -> RetryRules.mayRetry(e, idempotent),
            () -> "stream from route '" + message.route() + "' at " + target),
        message.route(),
        Interaction.REQUEST_STREAM);
  }

  @Override
  public Flux<Message> channel(Target target, Publisher<Message> messages, CallOptions call) {
    Flux<Message> attempt =
        Flux.defer(
            () -> {
              if (isSelf(target)) {
                return router
                    .requestChannel(Flux.from(messages).map(m -> toSelf(m)))
                    .map(this::incoming);
              }
              return connection(target)
                  .flatMapMany(
                      c ->
                          c.requestChannel(
                              Flux.from(messages)
                                  .handle(
                                      (m, sink) -> {
                                        PayloadTooLargeException e = tooLarge(c, m);
                                        if (e != null) {
                                          sink.error(e);
                                        } else {
                                          sink.next(outgoing(m));
                                        }
                                      }))
                          .map(this::incoming));
            });
    // A channel's route is its first message's, unknown until then: tagged "channel".
    return metered(
        policy.flux(attempt, call, RetryRules::nothingWasSent, () -> "channel with " + target),
        "channel",
        Interaction.REQUEST_CHANNEL);
  }

  @Override
  public Flux<Delivery> broadcast(Message message) {
    return broadcaster.message(message, BroadcastOptions.fireAndForget());
  }

  @Override
  public Flux<Delivery> broadcast(Message message, BroadcastOptions broadcast) {
    return broadcaster.message(message, broadcast);
  }

  @Override
  public Flux<Delivery> broadcast(Publisher<Message> messages, BroadcastOptions broadcast) {
    return broadcaster.stream(messages, broadcast);
  }

  /** The target's live connection, on which a call runs at once; else {@code null}: dial first. */
  private @Nullable Connection live(Target target) {
    return state.get() == State.RUNNING ? peers.live(target) : null;
  }

  private Mono<Connection> connection(Target target) {
    if (state.get() != State.RUNNING) {
      return Mono.error(
          new IllegalStateException("Node " + id + " is not running (" + state.get() + ")"));
    }
    return peers.to(target);
  }

  private boolean isSelf(Target target) {
    if (target instanceof Target.ToMember) {
      return ((Target.ToMember) target).id().equals(id);
    }
    TransportBinding b = binding;
    return b != null && ((Target.ToAddress) target).address().equals(b.local().address());
  }

  /** Builds the call only if the peer accepts the payload (so nothing is stamped or counted). */
  private static <T> Mono<T> checked(Connection c, Message message, Supplier<Mono<T>> call) {
    PayloadTooLargeException e = tooLarge(c, message);
    return e != null ? Mono.error(e) : call.get();
  }

  /** The peer told us its limit at connection: refuse locally rather than send in vain. */
  private static @Nullable PayloadTooLargeException tooLarge(Connection c, Message message) {
    int limit = c.remote().maxInboundPayloadSize();
    return message.payloadSize() > limit
        ? PayloadTooLargeException.of(
            message.payloadSize(), limit, message.route(), c.remote().id().value())
        : null;
  }

  @Override
  public String toString() {
    TransportBinding b = binding;
    return "Node{" + id + (b == null ? "" : " at " + b.local().address()) + ", " + state + "}";
  }
}
