package io.meshwork.core;

import io.meshwork.LoadBalancing;
import io.meshwork.NodeId;
import io.meshwork.Target;
import io.meshwork.core.membership.Swim;
import io.meshwork.core.routing.LoadBalancer;
import io.meshwork.error.UnreachableException;
import io.meshwork.membership.Member;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One call to {@link Target.ToAnyServing}: each attempt picks a provider from the live view by the
 * call's strategy, avoiding the member the previous attempt failed on, and the balancer counts
 * the attempt against the member it picked. Calls to other targets need none of this.
 */
final class Routing {

  private final Target.ToAnyServing target;
  private final LoadBalancing strategy;
  private final Swim membership;
  private final LoadBalancer balancer;
  private volatile @Nullable NodeId failedOn;

  Routing(
      Target.ToAnyServing target,
      LoadBalancing nodeDefault,
      Swim membership,
      LoadBalancer balancer) {
    this.target = target;
    this.strategy = target.balancing() != null ? target.balancing() : nodeDefault;
    this.membership = membership;
    this.balancer = balancer;
  }

  /**
   * The member this attempt goes to.
   *
   * @throws UnreachableException if no live member serves the route (a retry may find one)
   */
  NodeId pick() {
    List<Member> providers = membership.serving(target.route());
    if (providers.isEmpty()) {
      throw new UnreachableException(
          "No live member of node " + membership.self().id() + "'s view serves route '"
              + target.route() + "'",
          null);
    }
    return balancer.pick(providers, strategy, failedOn).id();
  }

  <T> Mono<T> track(NodeId member, Mono<T> attempt) {
    return balancer.track(member, attempt).doOnError(e -> failedOn = member);
  }

  <T> Flux<T> track(NodeId member, Flux<T> attempt) {
    return balancer.track(member, attempt).doOnError(e -> failedOn = member);
  }
}
