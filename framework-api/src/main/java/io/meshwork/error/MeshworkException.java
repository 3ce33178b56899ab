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

  /**
   * Creates the exception, with or without a stack trace. Leave it out for errors that are
   * expected in bulk and whose stack says nothing (a refusal by an overloaded node: its stack is
   * the node's own dispatch code, and filling it costs more than the refusal itself).
   *
   * @param message what failed, where, and what to do
   * @param cause the underlying failure, if any
   * @param stackTrace whether to fill in the stack trace
   */
  protected MeshworkException(String message, @Nullable Throwable cause, boolean stackTrace) {
    super(message, cause, true, stackTrace);
  }
}
