package io.meshwork;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one call behaves: its timeout, how it is retried, and whether it is idempotent. A node has
 * defaults ({@link NodeBuilder#callOptions(CallOptions)}, {@link Node#callOptions()}); a verb's
 * overload taking options uses those instead.
 *
 * <pre>{@code
 * CallOptions fast = node.callOptions().timeout(Duration.ofMillis(200));
 * CallOptions safe = node.callOptions()
 *     .retry(RetryPolicy.backoff(5, Duration.ofMillis(50)))
 *     .idempotent(true);                  // closed connections and timeouts may be retried too
 * node.request(target, msg, safe);
 * }</pre>
 *
 * <p>The timeout bounds each attempt: for request-response the reply, for a stream or channel
 * the first element (a long stream is not cut). A stream or channel is retried only before its
 * first element arrives, and a channel only when no connection could be made (its outbound
 * publisher is not subscribed again).
 *
 * @param timeout the longest an attempt may take, or {@code null} for none
 * @param retry the retry policy
 * @param idempotent whether a call that may have been processed may be sent again
 */
public record CallOptions(@Nullable Duration timeout, RetryPolicy retry, boolean idempotent) {

  private static final CallOptions DEFAULTS =
      new CallOptions(
          Duration.ofSeconds(30),
          RetryPolicy.backoff(3, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(2)),
          false);

  /** Validates the timeout. */
  public CallOptions {
    Objects.requireNonNull(retry, "retry");
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      throw new IllegalArgumentException("timeout must be more than zero, got " + timeout);
    }
  }

  /**
   * The library's defaults: a 30 s timeout; 3 attempts 100 ms apart doubling up to 2 s, ± 50 %,
   * within 30 s, for what is safe to retry; not idempotent.
   *
   * @return the defaults
   */
  public static CallOptions defaults() {
    return DEFAULTS;
  }

  /**
   * These options with another timeout.
   *
   * @param perAttempt the longest an attempt may take, or {@code null} for none
   * @return new options
   */
  public CallOptions timeout(@Nullable Duration perAttempt) {
    return new CallOptions(perAttempt, retry, idempotent);
  }

  /**
   * These options with another retry policy.
   *
   * @param policy the policy
   * @return new options
   */
  public CallOptions retry(RetryPolicy policy) {
    return new CallOptions(timeout, policy, idempotent);
  }

  /**
   * These options marked idempotent or not.
   *
   * @param sendTwiceIsSafe whether processing the call twice does no harm
   * @return new options
   */
  public CallOptions idempotent(boolean sendTwiceIsSafe) {
    return new CallOptions(timeout, retry, sendTwiceIsSafe);
  }
}
