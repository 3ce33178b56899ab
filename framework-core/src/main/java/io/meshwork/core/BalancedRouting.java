package io.meshwork.core;

import io.meshwork.LoadBalancing;
import io.meshwork.NodeId;
import io.meshwork.Target;
import io.meshwork.core.membership.Swim;
import io.meshwork.core.routing.Breakers;
import io.meshwork.core.routing.LoadBalancer;
import java.time.Duration;
import java.util.ArrayList;
import io.meshwork.error.UnreachableException;
import io.meshwork.membership.Member;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One call to {@link Target.ToAnyServing}: each attempt picks a provider from the live view by the
 * call's strategy, skipping members whose circuit breaker is open and the member the previous
 * attempt failed on; the attempt goes through that member's breaker, and the balancer counts it
 * against the member. Calls to other targets need none of this.
 */
final class BalancedRouting implements Routing {

  private final Target.ToAnyServing target;
  private final LoadBalancing strategy;
  private final Swim membership;
  private final LoadBalancer balancer;
  private final Breakers breakers;
  private final @Nullable Duration timeout;
  private volatile @Nullable NodeId failedOn;

  BalancedRouting(
      Target.ToAnyServing target,
      LoadBalancing nodeDefault,
      Swim membership,
      LoadBalancer balancer,
      Breakers breakers,
      @Nullable Duration timeout) {
    this.target = target;
    this.strategy = target.balancing() != null ? target.balancing() : nodeDefault;
    this.membership = membership;
    this.balancer = balancer;
    this.breakers = breakers;
    this.timeout = timeout;
  }

  @Override
  public NodeId pick() {
    List<Member> providers = membership.serving(target.route());
    if (providers.isEmpty()) {
      throw new UnreachableException(
          "No live member of node " + membership.self().id() + "'s view serves route '"
              + target.route() + "'",
          null);
    }
    List<Member> closed = new ArrayList<>(providers.size());
    for (Member m : providers) {
      if (breakers.available(m.id(), balancer.outstanding(m.id()))) {
        closed.add(m);
      }
    }
    // every breaker open: pick anyway, and the breaker fails the call at once
    return balancer.pick(closed.isEmpty() ? providers : closed, strategy, failedOn).id();
  }

  @Override
  public <T> Mono<T> track(NodeId member, Mono<T> attempt) {
    return balancer
        .track(member, breakers.guard(member, attempt, timeout))
        .doOnError(e -> failedOn = member);
  }

  @Override
  public <T> Flux<T> track(NodeId member, Flux<T> attempt) {
    return balancer
        .track(member, breakers.guard(member, attempt, timeout))
        .doOnError(e -> failedOn = member);
  }
}
