package io.meshwork.core;

import io.meshwork.CallOptions;
import io.meshwork.Message;
import io.meshwork.Target;
import io.meshwork.core.resilience.CallPolicy;
import io.meshwork.core.resilience.GuardedCall;
import io.meshwork.core.resilience.RetryRules;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * One request-response or fire-and-forget of a node under its call options: the call's one object
 * until it is subscribed, holding what each attempt needs (in place of a supplier and a describer
 * lambda per call). Each subscription runs the attempts anew.
 *
 * @param <T> {@code Message} for a request, {@code Void} for a send
 */
abstract sealed class OutboundCall<T> extends GuardedCall<T> permits OutboundCall.Request, OutboundCall.Send {

  final ClusterNode node;
  final Target target;
  final Message message;
  final @Nullable Routing routing;

  private OutboundCall(
      ClusterNode node,
      CallPolicy policy,
      UnaryOperator<T> received,
      CallOptions options,
      boolean request,
      Target target,
      Message message,
      @Nullable Routing routing) {
    super(
        policy,
        received,
        request ? options.timeout() : null, // a send completes once written: nothing to bound
        options.retry(),
        !request
            ? RetryRules::nothingWasSent
            : options.idempotent() ? RetryRules::mayRetryIdempotent : RetryRules::mayRetryOnce);
    this.node = node;
    this.target = target;
    this.message = message;
    this.routing = routing;
  }

  /** A request-response; each reply goes through {@code incoming} (the Lamport receive). */
  static final class Request extends OutboundCall<Message> {
    Request(
        ClusterNode node,
        CallPolicy policy,
        UnaryOperator<Message> incoming,
        CallOptions options,
        Target target,
        Message message,
        @Nullable Routing routing) {
      super(node, policy, incoming, options, true, target, message, routing);
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
        CallPolicy policy,
        CallOptions options,
        Target target,
        Message message,
        @Nullable Routing routing) {
      super(node, policy, UnaryOperator.identity(), options, false, target, message, routing);
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
