package io.meshwork.core.broadcast;

import io.meshwork.BroadcastOptions;
import io.meshwork.CallOptions;
import io.meshwork.Delivery;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.NodeId;
import io.meshwork.Target;
import io.meshwork.error.OverflowException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Sends to every member and reports one {@link Delivery} per member. A member's failure is its
 * delivery's, never the broadcast's: deliveries are emitted as each member's outcome arrives.
 *
 * <p>A stream broadcast is for live streams. It subscribes the source once and gives each member
 * its own buffer of {@code options.buffer()} messages in front of its channel. The source starts
 * once every member's channel is open (or has failed), and is consumed
 * as fast as it produces (unbounded demand on it); a member that asks for messages more slowly
 * fills its buffer, and then {@code options.overflow()} applies to that member alone: {@code ERROR} fails its
 * delivery with {@link OverflowException}, {@code DROP_OLDEST} drops and counts. Memory is
 * therefore bounded by members × buffer, whatever the slowest member does.
 */
public final class Broadcaster {

  private final Node node;
  private final Supplier<List<NodeId>> members;
  private final LongConsumer onDropped;

  /**
   * Creates the broadcaster of one node.
   *
   * @param node the node whose verbs carry the broadcast
   * @param members the members it knows, itself excluded, in a stable order
   * @param onDropped told how many messages a stream broadcast dropped (metrics)
   */
  public Broadcaster(Node node, Supplier<List<NodeId>> members, LongConsumer onDropped) {
    this.node = node;
    this.members = members;
    this.onDropped = onDropped;
  }

  /**
   * One message to every member.
   *
   * @param message the message
   * @param options fire-and-forget or acknowledged, self included or not, per-member options
   * @return one delivery per member
   */
  public Flux<Delivery> message(Message message, BroadcastOptions options) {
    return Flux.defer(
        () -> {
          List<NodeId> targets = targets(options);
          CallOptions call = options.call() != null ? options.call() : node.callOptions();
          return Flux.fromIterable(targets)
              .flatMap(id -> deliver(id, message, options.awaitReplies(), call), targets.size() + 1);
        });
  }

  private Mono<Delivery> deliver(NodeId id, Message message, boolean awaitReply, CallOptions call) {
    Target t = Target.member(id);
    Mono<Delivery> outcome =
        awaitReply
            ? node.request(t, message, call)
                .map(reply -> Delivery.acknowledged(id, reply))
                .defaultIfEmpty(new Delivery(id, null, null, 1, 0))
            : node.send(t, message, call).then(Mono.fromSupplier(() -> Delivery.sent(id)));
    return outcome.onErrorResume(e -> Mono.just(Delivery.failed(id, e, 0, 0)));
  }

  /**
   * A stream to every member, one channel each.
   *
   * @param source the stream
   * @param options buffer and overflow per member, self included or not, per-member options
   * @return one delivery per member when its channel ends
   */
  public Flux<Delivery> stream(Publisher<Message> source, BroadcastOptions options) {
    return Flux.defer(
        () -> {
          List<NodeId> targets = targets(options);
          if (targets.isEmpty()) {
            return Flux.empty();
          }
          // No per-call timeout: a member's channel lasts as long as the source.
          CallOptions call =
              (options.call() != null ? options.call() : node.callOptions()).timeout(null);
          // The source starts once every member has subscribed (its channel is open) or has
          // been counted out (its channel failed first), so no member misses the start and a
          // dead one cannot hold it back; it is cancelled when the last delivery is in.
          Disposable[] connection = new Disposable[1];
          Flux<Message> shared =
              Flux.from(source).publish().autoConnect(targets.size(), c -> connection[0] = c);
          List<Mono<Delivery>> deliveries = new ArrayList<>(targets.size());
          for (NodeId id : targets) {
            deliveries.add(member(id, shared, options, call));
          }
          return Flux.merge(deliveries)
              .doFinally(
                  s -> {
                    if (connection[0] != null) {
                      connection[0].dispose();
                    }
                  });
        });
  }

  /** One member's channel, fed through its own bounded buffer. */
  private Mono<Delivery> member(
      NodeId id, Flux<Message> shared, BroadcastOptions options, CallOptions call) {
    AtomicLong sent = new AtomicLong();
    AtomicLong dropped = new AtomicLong();
    AtomicBoolean subscribed = new AtomicBoolean();
    AtomicBoolean overflowed = new AtomicBoolean();
    // onBackpressureBuffer delays its overflow error until the buffer drains, which a stalled
    // member never does: the overflow ends the member's delivery (and cancels its channel) here.
    Sinks.Empty<Void> overflowSignal = Sinks.empty();
    BufferOverflowStrategy strategy =
        options.overflow() == BroadcastOptions.Overflow.DROP_OLDEST
            ? BufferOverflowStrategy.DROP_OLDEST
            : BufferOverflowStrategy.ERROR;
    Supplier<OverflowException> overflow =
        () ->
            new OverflowException(
                "Member "
                    + id
                    + " fell more than "
                    + options.buffer()
                    + " messages behind a stream broadcast");
    Flux<Message> buffered =
        shared
            .doOnSubscribe(s -> subscribed.set(true))
            .onBackpressureBuffer(
                options.buffer(),
                lost -> {
                  if (strategy == BufferOverflowStrategy.ERROR) {
                    if (overflowed.compareAndSet(false, true)) {
                      overflowSignal.tryEmitError(overflow.get());
                    }
                  } else {
                    dropped.incrementAndGet();
                    onDropped.accept(1);
                  }
                },
                strategy)
            .onErrorMap(e -> overflowed.get(), e -> overflow.get())
            .doOnNext(m -> sent.incrementAndGet());
    Mono<Void> channel = node.channel(Target.member(id), buffered, call).then();
    return Mono.firstWithSignal(channel, overflowSignal.asMono())
        .then(Mono.fromSupplier(() -> new Delivery(id, null, null, sent.get(), dropped.get())))
        .onErrorResume(
            e -> {
              if (subscribed.compareAndSet(false, true)) {
                shared.subscribe().dispose(); // counted out: the others need not wait for it
              }
              return Mono.just(
                  Delivery.failed(
                      id, overflowed.get() ? overflow.get() : e, sent.get(), dropped.get()));
            });
  }

  private List<NodeId> targets(BroadcastOptions options) {
    List<NodeId> targets = new ArrayList<>(members.get());
    if (options.includeSelf()) {
      targets.add(node.id());
    }
    return targets;
  }
}
