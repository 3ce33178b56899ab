package io.meshwork.error;

/**
 * A member fell further behind a stream broadcast than its buffer allows (policy {@code
 * Overflow.ERROR}): its delivery fails; the other members go on.
 */
public final class OverflowException extends MeshworkException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which member fell how far behind
   */
  public OverflowException(String message) {
    super(message, null);
  }
}
