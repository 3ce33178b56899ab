package io.meshwork.error;

import org.jspecify.annotations.Nullable;

/**
 * The connection closed while a call was in flight. The remote handler may or may not have run,
 * so only idempotent calls should be retried after it.
 */
public final class ConnectionClosedException extends MeshworkException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which connection closed during what
   * @param cause the transport's failure, if any
   */
  public ConnectionClosedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
