package io.meshwork.error;

/**
 * A request was malformed: missing or unreadable routing metadata, a bad header block. Sent to
 * the caller as an RSocket {@code INVALID} error; the node keeps serving. Not retryable.
 */
public final class InvalidRequestException extends MeshworkException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong with the request
   */
  public InvalidRequestException(String message) {
    super(message, null);
  }
}
