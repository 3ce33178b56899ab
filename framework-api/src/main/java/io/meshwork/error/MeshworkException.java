package io.meshwork.error;

import org.jspecify.annotations.Nullable;

/**
 * The base of every error a Meshwork verb signals. Catch a subtype to act on one kind of failure:
 *
 * <pre>{@code
 * node.request(target, msg)
 *     .onErrorResume(NoSuchRouteException.class, e -> Mono.just(fallback))
 *     .retryWhen(Retry.max(3).filter(Retryable::isRetryable));
 * }</pre>
 */
public abstract class MeshworkException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, where, and what to do
   * @param cause the underlying failure, if any
   */
  protected MeshworkException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
