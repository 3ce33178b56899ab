package io.meshwork.error;

/**
 * The circuit breaker of the member a call was routed to is open: its recent calls failed at the
 * transport (unreachable, connection closed, timed out), so this call fails at once instead of
 * waiting on it. Retryable: a retry of a {@code Target.anyServing} call goes to another member,
 * and the breaker lets a few probe calls through once its open period has passed.
 */
public final class CircuitOpenException extends MeshworkException implements Retryable {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which member and why
   */
  public CircuitOpenException(String message) {
    super(message, null);
  }
}
