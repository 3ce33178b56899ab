package io.meshwork.error;

import org.jspecify.annotations.Nullable;

/**
 * No connection to the target could be had: the member is unknown to this node, the connection
 * was refused, or the handshake did not complete. Retryable: nothing was sent.
 */
public final class UnreachableException extends MeshworkException implements Retryable {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be reached and why
   * @param cause the transport's failure, if any
   */
  public UnreachableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
