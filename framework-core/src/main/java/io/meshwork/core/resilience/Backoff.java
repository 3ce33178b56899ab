package io.meshwork.core.resilience;

import io.meshwork.RetryPolicy;
import java.time.Duration;
import java.util.random.RandomGenerator;

/** The wait before a retry: a pure function of the policy, the retry's index and a draw. */
public final class Backoff {

  private Backoff() {}

  /**
   * The wait before retry number {@code retry} (0 for the first): the policy's exponential
   * backoff, spread uniformly by ± jitter of itself, never above {@code maxBackoff}.
   *
   * @param policy the policy
   * @param retry 0 or more
   * @param random the node's random source; drawn from once, and only if jitter applies
   * @return the wait
   */
  public static Duration delay(RetryPolicy policy, long retry, RandomGenerator random) {
    long base = policy.backoffBefore(retry).toNanos();
    if (policy.jitter() == 0 || base == 0) {
      return Duration.ofNanos(base);
    }
    double spread = base * policy.jitter();
    double drawn = base - spread + random.nextDouble() * 2 * spread;
    long nanos = Math.max(0, Math.min(policy.maxBackoff().toNanos(), Math.round(drawn)));
    return Duration.ofNanos(nanos);
  }
}
