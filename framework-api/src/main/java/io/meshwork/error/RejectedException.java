package io.meshwork.error;

/**
 * The remote node refused the request before processing it (RSocket {@code REJECTED}), typically
 * because it is overloaded. Retryable: the RSocket protocol guarantees the request was not
 * processed.
 */
public final class RejectedException extends MeshworkException implements Retryable {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message why the request was refused
   */
  public RejectedException(String message) {
    super(message, null);
  }
}
