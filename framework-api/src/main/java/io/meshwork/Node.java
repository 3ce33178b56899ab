package io.meshwork;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A member of a Meshwork cluster: it serves routes and calls other nodes' routes.
 *
 * <pre>{@code
 * Node node = Node.builder()
 *     .bind("127.0.0.1", 0)
 *     .seeds("127.0.0.1:7000")
 *     .transport(RSocketTransport.tcp())
 *     .route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))))
 *     .build();
 * node.start().block(Duration.ofSeconds(10)); // blocking only at the program's edge
 *
 * Mono<Message> reply = node.request(Target.member(peerId), Message.of("echo", "hi"));
 * Flux<Message> ticks = node.stream(Target.member(peerId), Message.of("ticks"));
 * node.shutdown().block(Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Every verb is lazy and cold: nothing is resolved or sent until subscription, and each
 * subscription sends anew, so {@code retryWhen} works on them. Cancelling a subscription cancels
 * the call on the remote node. No verb blocks. Failures are the types of {@code
 * io.meshwork.error}; a bad request never takes a node down.
 */
public interface Node {

  /**
   * Starts configuring a node.
   *
   * @return a new builder
   */
  static NodeBuilder builder() {
    return new NodeBuilder();
  }

  /**
   * This node's id.
   *
   * @return the id
   */
  NodeId id();

  /**
   * Where this node listens, with the port actually bound.
   *
   * @return the address
   * @throws IllegalStateException before {@link #start()} has completed
   */
  Address address();

  /**
   * Binds the transport and connects to the seeds. Seeds that cannot be reached are logged and
   * skipped; the node starts anyway.
   *
   * @return this node once it listens; fails if it cannot bind or was started before
   */
  Mono<Node> start();

  /**
   * Closes every connection and the listener. Idempotent.
   *
   * @return completion once closed
   */
  Mono<Void> shutdown();

  /**
   * Completes when this node has shut down.
   *
   * @return completion
   */
  Mono<Void> onClose();

  /**
   * This node's Lamport clock. Every message the node sends carries {@code tick()}, every message
   * it receives (requests and replies) advances it to {@code max(local, received) + 1}; tick it
   * yourself for local events you want ordered with them.
   *
   * @return the clock
   */
  io.meshwork.clock.LamportClock clock();

  /**
   * The cluster as this node sees it: live members, their metadata and routes, failure
   * suspicion, and a stream of changes. Members join through the seeds; a node that knows no seed
   * yet keeps trying them with backoff.
   *
   * @return the membership view
   */
  io.meshwork.membership.Membership membership();

  /**
   * The defaults this node's verbs use when given no {@link CallOptions}.
   *
   * @return the node's call options
   */
  CallOptions callOptions();

  /**
   * Fire-and-forget: at-most-once, the outcome is not reported.
   *
   * @param target whom to send to
   * @param message the message; its route selects the remote handler
   * @return completion once written
   */
  Mono<Void> send(Target target, Message message);

  /**
   * Request-response, with the node's {@link #callOptions()}.
   *
   * @param target whom to ask
   * @param message the request
   * @return the reply
   */
  Mono<Message> request(Target target, Message message);

  /**
   * Request-stream; the remote producer emits only what this subscriber requests (plus a small
   * bounded prefetch).
   *
   * @param target whom to ask
   * @param message the request
   * @return the stream
   */
  Flux<Message> stream(Target target, Message message);

  /**
   * Request-channel: the first message's route selects the remote handler; demand flows both ways.
   *
   * @param target whom to talk to
   * @param messages what to send
   * @return what comes back
   */
  Flux<Message> channel(Target target, Publisher<Message> messages);

  /**
   * Fire-and-forget with options; only failures to connect are retried (nothing was sent).
   *
   * @param target whom to send to
   * @param message the message
   * @param options timeout and retries for this call
   * @return completion once written
   */
  Mono<Void> send(Target target, Message message, CallOptions options);

  /**
   * Request-response with options.
   *
   * @param target whom to ask
   * @param message the request
   * @param options timeout, retries and idempotence for this call
   * @return the reply
   */
  Mono<Message> request(Target target, Message message, CallOptions options);

  /**
   * Request-stream with options: the timeout bounds the wait for the first element, and retries
   * happen only before it.
   *
   * @param target whom to ask
   * @param message the request
   * @param options timeout, retries and idempotence for this call
   * @return the stream
   */
  Flux<Message> stream(Target target, Message message, CallOptions options);

  /**
   * Request-channel with options: the timeout bounds the wait for the first element; a channel
   * is retried only when no connection could be made, since {@code messages} is not subscribed
   * again.
   *
   * @param target whom to talk to
   * @param messages what to send
   * @param options timeout and retries for this call
   * @return what comes back
   */
  Flux<Message> channel(Target target, Publisher<Message> messages, CallOptions options);

  /**
   * Fire-and-forget to every member this node knows, itself excluded: one {@link Delivery} per
   * member, in the order outcomes arrive. A dead or slow member fails only its own delivery, after
   * at most the call timeout.
   *
   * @param message the message
   * @return one delivery per member
   */
  Flux<Delivery> broadcast(Message message);

  /**
   * A broadcast with options: acknowledged (each member's reply comes back), with this node
   * included, with other per-member call options.
   *
   * @param message the message
   * @param options how to broadcast
   * @return one delivery per member
   */
  Flux<Delivery> broadcast(Message message, BroadcastOptions options);

  /**
   * A stream broadcast, for live streams: every message goes to every member over one channel per
   * member (the first message's route selects the members' {@link RequestChannelHandler}). The
   * source is consumed as it produces; each member has a buffer of {@code options.buffer()}
   * messages and gets them as fast as it asks for them. A member that falls further behind is
   * handled by {@code options.overflow()} — its delivery fails ({@code ERROR}) or it loses the
   * oldest messages, counted ({@code DROP_OLDEST}) — so the slowest member never slows the others
   * and never makes this node's memory grow beyond members × buffer. No per-call timeout
   * applies: a channel lasts as long as the source.
   *
   * @param messages the stream
   * @param options the buffer and overflow policy per member, and whether to include this node
   * @return one delivery per member, when its channel ends, with the counts sent and dropped
   */
  Flux<Delivery> broadcast(Publisher<Message> messages, BroadcastOptions options);
}
