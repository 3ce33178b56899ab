package io.meshwork;

import java.time.Duration;
import java.util.Objects;

/**
 * How a call is retried: up to {@code maxAttempts} attempts in all, waiting an exponentially
 * growing backoff between them ({@code minBackoff × 2^(retry)}, capped at {@code maxBackoff}),
 * spread by ± {@code jitter} of itself, and giving up once the next wait would pass the total
 * {@code deadline} counted from the first attempt.
 *
 * <pre>{@code
 * RetryPolicy.none();                                            // one attempt
 * RetryPolicy.backoff(5, Duration.ofMillis(50));                 // 5 attempts: 50, 100, 200, 400 ms ± 50 %
 * RetryPolicy.backoff(10, Duration.ofMillis(100))
 *     .maxBackoff(Duration.ofSeconds(1)).jitter(0.2).deadline(Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>Which failures are retried is not the policy's choice but the error's: only those after
 * which the request was certainly not processed ({@link io.meshwork.error.Retryable}), plus, for
 * calls marked idempotent in {@link CallOptions}, a closed connection or a timeout. A remote
 * handler's own error is never retried. The jitter is drawn from the node's {@link Environment},
 * so a simulated run replays exactly.
 *
 * @param maxAttempts attempts in all, the first included; 1 means no retry
 * @param minBackoff the wait before the first retry
 * @param maxBackoff the longest wait between attempts
 * @param jitter the spread of each wait, 0 (exact) to 1 (anywhere from 0 to twice the wait)
 * @param deadline the longest time from the first attempt to the start of the last
 */
public record RetryPolicy(
    int maxAttempts, Duration minBackoff, Duration maxBackoff, double jitter, Duration deadline) {

  private static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 0, Duration.ZERO);

  /** Validates every field, naming the bad one. */
  public RetryPolicy {
    Objects.requireNonNull(minBackoff, "minBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(deadline, "deadline");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException(
          "backoff must satisfy 0 <= minBackoff <= maxBackoff, got "
              + minBackoff
              + " and "
              + maxBackoff);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be 0 to 1, got " + jitter);
    }
    if (deadline.isNegative()) {
      throw new IllegalArgumentException("deadline must not be negative, got " + deadline);
    }
  }

  /**
   * One attempt, no retry.
   *
   * @return the policy
   */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * Exponential backoff from {@code minBackoff}, capped at 100 × {@code minBackoff}, jitter 0.5,
   * deadline 30 s.
   *
   * @param maxAttempts attempts in all, the first included
   * @param minBackoff the first wait
   * @return the policy
   */
  public static RetryPolicy backoff(int maxAttempts, Duration minBackoff) {
    return new RetryPolicy(
        maxAttempts, minBackoff, minBackoff.multipliedBy(100), 0.5, Duration.ofSeconds(30));
  }

  /**
   * This policy with another cap on the wait.
   *
   * @param max the longest wait
   * @return a new policy
   */
  public RetryPolicy maxBackoff(Duration max) {
    return new RetryPolicy(maxAttempts, minBackoff, max, jitter, deadline);
  }

  /**
   * This policy with another jitter.
   *
   * @param spread 0 to 1
   * @return a new policy
   */
  public RetryPolicy jitter(double spread) {
    return new RetryPolicy(maxAttempts, minBackoff, maxBackoff, spread, deadline);
  }

  /**
   * This policy with another total deadline.
   *
   * @param total the longest time from the first attempt to the start of the last
   * @return a new policy
   */
  public RetryPolicy deadline(Duration total) {
    return new RetryPolicy(maxAttempts, minBackoff, maxBackoff, jitter, total);
  }

  /**
   * The wait before retry number {@code retry} (0 for the first retry), before jitter: {@code
   * min(maxBackoff, minBackoff × 2^retry)}.
   *
   * @param retry 0 or more
   * @return the wait
   */
  public Duration backoffBefore(long retry) {
    if (retry >= 62 || minBackoff.isZero()) {
      return retry >= 62 ? maxBackoff : Duration.ZERO;
    }
    long nanos = minBackoff.toNanos();
    long max = maxBackoff.toNanos();
    long factor = 1L << retry;
    return nanos > max / factor ? maxBackoff : Duration.ofNanos(Math.min(max, nanos * factor));
  }
}
