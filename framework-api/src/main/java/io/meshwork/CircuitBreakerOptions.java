package io.meshwork;

import java.time.Duration;
import java.util.Objects;

/**
 * The circuit breakers a node keeps, one per member, for the calls its load balancer routes
 * ({@link Target#anyServing}). A breaker opens when, among the last {@code window} calls to a
 * member (and at least {@code minimumCalls}), {@code failureRatePercent} % failed at the
 * transport — refused or closed connection, timeout; a handler's own error does not count. Open,
 * it fails calls at once with {@link io.meshwork.error.CircuitOpenException} and the balancer
 * skips the member; after {@code openDuration}, {@code halfOpenCalls} probe calls close it again
 * or reopen it.
 *
 * <pre>{@code
 * Node.builder().circuitBreakers(CircuitBreakerOptions.defaults().openDuration(Duration.ofSeconds(2)));
 * }</pre>
 *
 * @param window how many recent calls are judged
 * @param minimumCalls how many calls at least before a verdict
 * @param failureRatePercent the failure rate that opens the breaker, 1 to 100
 * @param openDuration how long it stays open before probing
 * @param halfOpenCalls how many probe calls decide
 */
public record CircuitBreakerOptions(
    int window, int minimumCalls, int failureRatePercent, Duration openDuration, int halfOpenCalls) {

  private static final CircuitBreakerOptions DEFAULTS =
      new CircuitBreakerOptions(20, 10, 50, Duration.ofSeconds(5), 3);

  /** Validates the options. */
  public CircuitBreakerOptions {
    Objects.requireNonNull(openDuration, "openDuration");
    if (window < 1 || minimumCalls < 1 || halfOpenCalls < 1
        || failureRatePercent < 1 || failureRatePercent > 100
        || openDuration.isNegative() || openDuration.isZero()) {
      throw new IllegalArgumentException(
          "window, minimumCalls and halfOpenCalls must be 1 or more, failureRatePercent 1 to 100"
              + " and openDuration positive; got " + window + ", " + minimumCalls + ", "
              + halfOpenCalls + ", " + failureRatePercent + ", " + openDuration);
    }
  }

  /**
   * The defaults: a window of 20 calls, at least 10, 50 % failures, open 5 s, 3 probe calls.
   *
   * @return the defaults
   */
  public static CircuitBreakerOptions defaults() {
    return DEFAULTS;
  }

  /**
   * @param value how long a breaker stays open before probing
   * @return a copy with it
   */
  public CircuitBreakerOptions openDuration(Duration value) {
    return new CircuitBreakerOptions(window, minimumCalls, failureRatePercent, value, halfOpenCalls);
  }

  /**
   * @param calls the window
   * @param minimum the fewest calls before a verdict
   * @param percent the failure rate that opens it
   * @return a copy with them
   */
  public CircuitBreakerOptions threshold(int calls, int minimum, int percent) {
    return new CircuitBreakerOptions(calls, minimum, percent, openDuration, halfOpenCalls);
  }

  /**
   * @param calls how many probe calls decide
   * @return a copy with it
   */
  public CircuitBreakerOptions halfOpenCalls(int calls) {
    return new CircuitBreakerOptions(window, minimumCalls, failureRatePercent, openDuration, calls);
  }
}
