package io.meshwork;

/**
 * How {@link Target#anyServing(String)} picks among the live members serving a route. Chosen per
 * node ({@link NodeBuilder#loadBalancing}) or per call ({@link Target.ToAnyServing#balancedBy}).
 *
 * <pre>{@code
 * node.request(Target.anyServing("orders").balancedBy(LoadBalancing.LATENCY_WEIGHTED), msg);
 * }</pre>
 */
public enum LoadBalancing {
  /** Each member in turn: even spread, blind to load and latency. The default. */
  ROUND_ROBIN,
  /**
   * Power of two choices on least outstanding requests: two members drawn at random, the one with
   * fewer calls in flight wins. Steers away from a member that is slow or stuck without
   * measuring latency.
   */
  LEAST_OUTSTANDING,
  /**
   * Power of two choices on a cost of peak-EWMA latency × (outstanding + 1) × (1 + phi), after
   * Finagle: a member that answers slowly, is busy, or whose phi-accrual suspicion rises gets
   * less traffic, and comes back as its figures recover.
   */
  LATENCY_WEIGHTED
}
