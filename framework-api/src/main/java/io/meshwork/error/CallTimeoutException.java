package io.meshwork.error;

/**
 * An attempt took longer than its {@code CallOptions} timeout: no reply (or, for a stream, no
 * first element) in time. The remote handler may have run, so only idempotent calls are retried
 * after it. The call is cancelled on the remote side.
 */
public final class CallTimeoutException extends MeshworkException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which call timed out, where, and after how long
   */
  public CallTimeoutException(String message) {
    super(message, null);
  }
}
