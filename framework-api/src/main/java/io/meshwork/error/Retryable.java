package io.meshwork.error;

/**
 * Marks errors after which the request was certainly not processed by any handler, so sending
 * it again cannot do it twice: the remote node rejected it, or no connection could be made.
 */
public interface Retryable {

  /**
   * Whether an error is safe to retry.
   *
   * @param error any error
   * @return {@code true} if it is marked {@link Retryable}
   */
  static boolean isRetryable(Throwable error) {
    return error instanceof Retryable;
  }
}
