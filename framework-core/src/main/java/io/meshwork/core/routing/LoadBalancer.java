package io.meshwork.core.routing;

import io.meshwork.Environment;
import io.meshwork.LoadBalancing;
import io.meshwork.NodeId;
import io.meshwork.membership.Member;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Picks a member among the providers of a route, and learns from the calls it routes.
 *
 * <ul>
 *   <li>{@link LoadBalancing#ROUND_ROBIN}: each in turn.
 *   <li>{@link LoadBalancing#LEAST_OUTSTANDING}: power of two choices on calls in flight.
 *   <li>{@link LoadBalancing#LATENCY_WEIGHTED}: power of two choices on peak-EWMA latency ×
 *       (outstanding + 1) × (1 + phi), phi being membership's suspicion of the member.
 * </ul>
 *
 * <p>The candidates come from the membership view at each pick, so members that join, die or come
 * back are in or out at once. A member to avoid (the one the previous attempt failed on) is
 * skipped when there is another. Thread-safe.
 *
 * <pre>{@code
 * LoadBalancer lb = new LoadBalancer(env, membership::suspicion);
 * Member m = lb.pick(providers, LoadBalancing.LEAST_OUTSTANDING, null);
 * Mono<Message> call = lb.track(m.id(), connection.requestResponse(msg));
 * }</pre>
 */
public final class LoadBalancer {

  /** How fast an old latency figure fades: after Finagle's default. */
  static final Duration DECAY = Duration.ofSeconds(10);

  private final Environment env;
  private final ToDoubleFunction<NodeId> suspicion;
  private final AtomicInteger next = new AtomicInteger();
  private final Map<NodeId, MemberLoad> loads = new ConcurrentHashMap<>();

  /**
   * @param env the node's clock and random source
   * @param suspicion a member's phi-accrual suspicion level
   */
  public LoadBalancer(Environment env, ToDoubleFunction<NodeId> suspicion) {
    this.env = env;
    this.suspicion = suspicion;
  }

  /**
   * Picks a provider.
   *
   * @param providers the live members serving the route, sorted by id, not empty
   * @param strategy how to pick
   * @param avoid a member to skip if another is available, or {@code null}
   * @return the member
   */
  public Member pick(List<Member> providers, LoadBalancing strategy, @Nullable NodeId avoid) {
    int n = providers.size();
    if (n == 1) {
      return providers.get(0);
    }
    Member chosen =
        switch (strategy) {
          case ROUND_ROBIN -> providers.get(Math.floorMod(next.getAndIncrement(), n));
          case LEAST_OUTSTANDING, LATENCY_WEIGHTED -> twoChoices(providers, strategy);
        };
    if (avoid != null && chosen.id().equals(avoid)) {
      int i = providers.indexOf(chosen);
      chosen = providers.get((i + 1 + env.random().nextInt(n - 1)) % n);
    }
    return chosen;
  }

  private Member twoChoices(List<Member> providers, LoadBalancing strategy) {
    int n = providers.size();
    int a = env.random().nextInt(n);
    int b = env.random().nextInt(n - 1);
    if (b >= a) {
      b++;
    }
    Member first = providers.get(a);
    Member second = providers.get(b);
    return cost(second, strategy) < cost(first, strategy) ? second : first;
  }

  private double cost(Member m, LoadBalancing strategy) {
    MemberLoad load = loads.get(m.id());
    int outstanding = load == null ? 0 : load.outstanding();
    if (strategy == LoadBalancing.LEAST_OUTSTANDING) {
      return outstanding;
    }
    // an unmeasured member costs nothing yet, so it gets tried
    double latency = load == null ? 0 : load.ewma(env.nanoTime());
    return latency * (outstanding + 1) * (1 + suspicion.applyAsDouble(m.id()));
  }

  /**
   * Counts a call to a member while it runs, and learns its latency when it ends.
   *
   * @param member the member
   * @param call the call
   * @param <T> the reply type
   * @return the call, tracked
   */
  public <T> Mono<T> track(NodeId member, Mono<T> call) {
    return Mono.defer(
        () -> {
          MemberLoad load = load(member);
          long start = env.nanoTime();
          load.started();
          return call.doFinally(
              s -> {
                long now = env.nanoTime();
                // only answers are latency samples: a member failing fast must not look fast
                load.ended(now, now - start, s == reactor.core.publisher.SignalType.ON_COMPLETE);
              });
        });
  }

  /**
   * Counts a stream or channel to a member while it runs (its latency means nothing).
   *
   * @param member the member
   * @param call the call
   * @param <T> the element type
   * @return the call, tracked
   */
  public <T> Flux<T> track(NodeId member, Flux<T> call) {
    return Flux.defer(
        () -> {
          MemberLoad load = load(member);
          load.started();
          return call.doFinally(s -> load.ended(env.nanoTime(), 0, false));
        });
  }

  private MemberLoad load(NodeId member) {
    return loads.computeIfAbsent(member, id -> new MemberLoad(DECAY.toNanos(), 0));
  }

  /**
   * Calls in flight to a member through this balancer.
   *
   * @param member the member
   * @return the count
   */
  public int outstanding(NodeId member) {
    MemberLoad load = loads.get(member);
    return load == null ? 0 : load.outstanding();
  }

  /**
   * Forgets a member that left or died.
   *
   * @param member the member
   */
  public void forget(NodeId member) {
    loads.remove(member);
  }
}
