package io.meshwork.error;

/**
 * The remote side answered with an error Meshwork does not know: typically a peer that is not a
 * Meshwork node. Carries the RSocket error code and message as received. Not retryable.
 */
public final class RemoteException extends MeshworkException {

  private static final long serialVersionUID = 1L;

  private final int code;

  /**
   * Creates the exception.
   *
   * @param code the error code received
   * @param message the explanation, including the remote's message
   */
  public RemoteException(int code, String message) {
    super(message, null);
    this.code = code;
  }

  /**
   * The error code received (an RSocket error code).
   *
   * @return the code
   */
  public int code() {
    return code;
  }
}
