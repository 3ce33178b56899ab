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
import io.meshwork.core.membership.Swim;
import io.meshwork.core.routing.Breakers;
import io.meshwork.core.routing.LoadBalancer;
import java.time.Duration;
import io.meshwork.error.UnreachableException;
import io.meshwork.membership.Member;
import io.meshwork.membership.Membership;
import io.meshwork.membership.MembershipEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import io.meshwork.spi.NodeMetrics;
import io.meshwork.spi.NodeOptions;
import io.meshwork.transport.Connection;
import io.meshwork.transport.OwnedSubscriptions;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.TransportBinding;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
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
  private final Swim membership;
  private final LoadBalancer balancer;
  private final Breakers breakers;
  private volatile @Nullable TransportBinding binding;

  ClusterNode(NodeOptions options) {
    this.options = options;
    this.id = options.id();
    Set<String> served = new TreeSet<>();
    options.routes().forEach(r -> served.add(r.name()));
    this.membership =
        new Swim(
            Swim.initial(id, options.advertiseAddress(), options.metadata(), served),
            options.membership(),
            options.environment(),
            options.seeds(),
            new MembershipWire(),
            this::memberChanged);
    this.peers = new PeerConnections(id, membership::addressOf, membership::connectionLost);
    this.balancer = new LoadBalancer(options.environment(), membership::suspicion);
    AtomicInteger active = new AtomicInteger();
    this.recorder = options.metrics().start(id, peers::connected, active::get);
    recorder.members(membership::count);
    this.metered =
        options.metrics() == NodeMetrics.NONE
            ? null
            : new Metered(recorder, options.environment(), active);
    this.breakers =
        new Breakers(
            Breakers.settings(options.circuitBreakers()),
            options.environment(),
            (member, from, to) -> recorder.breaker(member.value(), from.name(), to.name()));
    this.policy = new CallPolicy(id, options.environment(), recorder::retry);
    this.broadcaster = new Broadcaster(this, this::liveMembers, recorder::dropped);
    this.router =
        new Router(
            id,
            new RouteTable(options.routes()),
            options.maxInboundPayloadSize(),
            clock,
            metered,
            membership,
            new Admission(id, options.maxConcurrentHandlers(), options.maxInFlightPerPeer()),
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
              new PeerInfo(id, options.advertiseAddress(), options.maxInboundPayloadSize());
          return options
              .transport()
              .bind(local, options.bindAddress(), router)
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
                    return membership.start(b.local().address()).thenReturn((Node) this);
                  });
        });
  }

  /** The membership protocol's frames travel on the node's connections, unmetered. */
  private final class MembershipWire implements Swim.Wire {
    @Override
    public Mono<Message> request(Address to, Message frame) {
      return peers.dial(to).flatMap(c -> c.requestResponse(frame));
    }

    @Override
    public Mono<Void> send(Address to, Message frame) {
      return peers.dial(to).flatMap(c -> c.fireAndForget(frame));
    }

    @Override
    public void disconnect(NodeId member) {
      peers.disconnect(member);
      balancer.forget(member);
      breakers.forget(member);
    }
  }

  /** Counts a change to the view; on the protocol's thread, after this node is built. */
  private void memberChanged(MembershipEvent event) {
    recorder.membership(event.type());
  }

  /** The live members of the view, this node excluded, sorted by id: whom broadcast reaches. */
  private List<NodeId> liveMembers() {
    List<NodeId> ids = new ArrayList<>();
    for (Member m : membership.members()) {
      if (!m.id().equals(id)) {
        ids.add(m.id());
      }
    }
    return ids;
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
    // Say LEFT while the connections are still up, then stop everything.
    return Mono.defer(() -> state.get() == State.RUNNING ? membership.leave() : Mono.<Void>empty())
        .then(Mono.defer(this::stop));
  }

  private Mono<Void> stop() {
    return Mono.defer(
        () -> {
          State previous = state.getAndSet(State.STOPPED);
          TransportBinding b = binding;
          if (previous != State.STOPPED) {
            // Each part stops even if one before it fails: a failure must not leave the
            // binding, connections or meters of a stopped node behind.
            stopPart("membership", membership::stop);
            stopPart("call policy", policy::dispose);
            stopPart("metrics", recorder::close);
            stopPart("detached handlers", detached::dispose);
            stopPart("connections", peers::dispose);
            if (b != null) {
              stopPart("binding", b::dispose);
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

  private void stopPart(String what, Runnable stop) {
    try {
      stop.run();
    } catch (Throwable e) {
      Exceptions.throwIfJvmFatal(e);
      log.error("Node {}: stopping its {} failed", id, what, e);
    }
  }

  @Override
  public Mono<Void> onClose() {
    return closed.asMono();
  }

  @Override
  public LamportClock clock() {
    return clock;
  }

  @Override
  public Membership membership() {
    return membership;
  }

  /**
   * The per-call routing of a call to a target that names no member (any member serving a route,
   * the owner of a key), else {@code null}.
   */
  private @Nullable Routing routing(
      Target target, @Nullable String route, @Nullable Duration timeout) {
    if (target instanceof Target.ToAnyServing) {
      return new BalancedRouting(
          (Target.ToAnyServing) target,
          options.loadBalancing(),
          membership,
          balancer,
          breakers,
          timeout);
    }
    if (target instanceof Target.ToKey) {
      return new KeyRouting((Target.ToKey) target, route, membership);
    }
    return null;
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

  /** The node's call policy, for its outbound calls. */
  CallPolicy policy() {
    return policy;
  }

  /** An incoming reply advances this node's Lamport time. */
  Message incoming(Message reply) {
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
    Routing routing = routing(target, message.route(), null);
    // A send completes once written: a per-attempt timeout would bound nothing useful.
    return metered(
        new OutboundCall.Send(this, call, target, message, routing),
        message.route(),
        Interaction.FIRE_AND_FORGET);
  }

  /** One attempt at the member a routing picks, tracked by it. */
  static <T> Mono<T> routed(Routing routing, Function<NodeId, Mono<T>> attempt) {
    NodeId member;
    try {
      member = routing.pick();
    } catch (UnreachableException e) {
      return Mono.error(e); // no member fits now: retryable, a later attempt may find one
    }
    return routing.track(member, attempt.apply(member));
  }

  /** One attempt of a send; on a live connection without a lambda or an operator of its own. */
  Mono<Void> sendAttempt(Target target, Message message) {
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
    Routing routing = routing(target, message.route(), call.timeout());
    return metered(
        new OutboundCall.Request(this, call, target, message, routing),
        message.route(),
        Interaction.REQUEST_RESPONSE);
  }

  /** One attempt of a request; on a live connection without a lambda or an operator of its own. */
  Mono<Message> requestAttempt(Target target, Message message) {
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
    Routing routing = routing(target, message.route(), call.timeout());
    Flux<Message> attempt =
        Flux.defer(
            () -> {
              NodeId member = routing == null ? null : routing.pick();
              Target t = member == null ? target : Target.member(member);
              Flux<Message> replies =
                  isSelf(t)
                      ? router.requestStream(toSelf(message))
                      : connection(t)
                          .flatMapMany(
                              c -> {
                                PayloadTooLargeException e = tooLarge(c, message);
                                return e != null
                                    ? Flux.error(e)
                                    : c.requestStream(outgoing(message));
                              });
              return member == null ? replies : routing.track(member, replies);
            })
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
    Routing routing = routing(target, null, call.timeout()); // route unknown: all live members
    Flux<Message> attempt =
        Flux.defer(
            () -> {
              NodeId member = routing == null ? null : routing.pick();
              Target t = member == null ? target : Target.member(member);
              Flux<Message> replies = channelTo(t, messages);
              return member == null ? replies : routing.track(member, replies);
            });
    // A channel's route is its first message's, unknown until then: tagged "channel".
    return metered(
        policy.flux(attempt, call, RetryRules::nothingWasSent, () -> "channel with " + target),
        "channel",
        Interaction.REQUEST_CHANNEL);
  }

  private Flux<Message> channelTo(Target t, Publisher<Message> messages) {
    if (isSelf(t)) {
      return router.requestChannel(Flux.from(messages).map(m -> toSelf(m))).map(this::incoming);
    }
    return connection(t)
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
