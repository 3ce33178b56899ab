package io.meshwork.core;

import io.meshwork.CallOptions;
import io.meshwork.Message;
import io.meshwork.RetryPolicy;
import io.meshwork.Target;
import io.meshwork.core.resilience.CallPolicy;
import io.meshwork.core.resilience.GuardedCall;
import io.meshwork.core.resilience.RetryRules;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One request-response or fire-and-forget of a node under its call options: the call's one object
 * until it is subscribed, holding what each attempt needs (in place of a supplier and a describer
 * lambda per call) and answering {@link GuardedCall}'s settings from the options. Each
 * subscription runs the attempts anew.
 *
 * @param <T> {@code Message} for a request, {@code Void} for a send
 */
abstract sealed class OutboundCall<T> extends GuardedCall<T>
    permits OutboundCall.Request, OutboundCall.Send {

  final ClusterNode node;
  final CallOptions options;
  final Target target;
  final Message message;
  final @Nullable Routing routing;

  private OutboundCall(
      ClusterNode node,
      CallOptions options,
      Target target,
      Message message,
      @Nullable Routing routing) {
    this.node = node;
    this.options = options;
    this.target = target;
    this.message = message;
    this.routing = routing;
  }

  @Override
  protected final CallPolicy policy() {
    return node.policy();
  }

  @Override
  protected final RetryPolicy retryPolicy() {
    return options.retry();
  }

  /** A request-response; each reply advances the node's Lamport clock. */
  static final class Request extends OutboundCall<Message> {
    Request(
        ClusterNode node,
        CallOptions options,
        Target target,
        Message message,
        @Nullable Routing routing) {
      super(node, options, target, message, routing);
    }

    @Override
    protected @Nullable Duration attemptTimeout() {
      return options.timeout();
    }

    @Override
    protected boolean mayRetry(Throwable failure) {
      return options.idempotent()
          ? RetryRules.mayRetryIdempotent(failure)
          : RetryRules.mayRetryOnce(failure);
    }

    @Override
    protected Message received(Message reply) {
      return node.incoming(reply);
    }

    @Override
    protected Mono<Message> attempt() {
      Routing r = routing;
      return r == null
          ? node.requestAttempt(target, message)
          : ClusterNode.routed(r, member -> node.requestAttempt(Target.member(member), message));
    }

    @Override
    protected String describe() {
      return "request to route '" + message.route() + "' at " + target;
    }
  }

  /** A fire-and-forget: no per-attempt timeout, retried only if nothing was sent. */
  static final class Send extends OutboundCall<Void> {
    Send(
        ClusterNode node,
        CallOptions options,
        Target target,
        Message message,
        @Nullable Routing routing) {
      super(node, options, target, message, routing);
    }

    @Override
    protected @Nullable Duration attemptTimeout() {
      return null; // a send completes once written: a per-attempt timeout would bound nothing
    }

    @Override
    protected boolean mayRetry(Throwable failure) {
      return RetryRules.nothingWasSent(failure);
    }

    @Override
    protected Void received(Void value) {
      return value; // a send has no value
    }

    @Override
    protected Mono<Void> attempt() {
      Routing r = routing;
      return r == null
          ? node.sendAttempt(target, message)
          : ClusterNode.routed(r, member -> node.sendAttempt(Target.member(member), message));
    }

    @Override
    protected String describe() {
      return "fire-and-forget to route '" + message.route() + "' at " + target;
    }
  }
}
