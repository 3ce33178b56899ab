package io.meshwork.core.resilience;

import io.meshwork.error.CallTimeoutException;
import io.meshwork.error.ConnectionClosedException;
import io.meshwork.error.Retryable;
import io.meshwork.error.CircuitOpenException;
import io.meshwork.error.UnreachableException;

/**
 * Which failures may be sent again. Pure functions of the error and the call's kind.
 *
 * <ul>
 *   <li>{@link Retryable} errors (rejected, unreachable): the request was certainly not
 *       processed, always safe;
 *   <li>a closed connection or a timeout: the handler may have run, so only for idempotent
 *       calls;
 *   <li>anything else, a remote handler's own error above all: never.
 * </ul>
 */
public final class RetryRules {

  private RetryRules() {}

  /**
   * For request-response and for streams before their first element.
   *
   * @param error the failure
   * @param idempotent whether the call is marked idempotent
   * @return whether to send it again
   */
  public static boolean mayRetry(Throwable error, boolean idempotent) {
    if (error instanceof Retryable) {
      return true;
    }
    return idempotent
        && (error instanceof ConnectionClosedException || error instanceof CallTimeoutException);
  }

  /**
   * {@link #mayRetry(Throwable, boolean)} for an idempotent call, as a non-capturing method
   * reference.
   *
   * @param error the failure
   * @return whether to send it again
   */
  public static boolean mayRetryIdempotent(Throwable error) {
    return mayRetry(error, true);
  }

  /**
   * {@link #mayRetry(Throwable, boolean)} for a call not marked idempotent, as a non-capturing
   * method reference.
   *
   * @param error the failure
   * @return whether to send it again
   */
  public static boolean mayRetryOnce(Throwable error) {
    return mayRetry(error, false);
  }

  /**
   * For fire-and-forget (at-most-once) and channels (whose outbound publisher is subscribed
   * once): only when no connection was made, or a member's open circuit breaker refused the
   * attempt, so nothing was sent or subscribed.
   *
   * @param error the failure
   * @return whether to try again
   */
  public static boolean nothingWasSent(Throwable error) {
    return error instanceof UnreachableException || error instanceof CircuitOpenException;
  }
}
