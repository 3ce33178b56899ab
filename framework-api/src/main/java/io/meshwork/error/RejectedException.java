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

  private RejectedException(String message, boolean stackTrace) {
    super(message, null, stackTrace);
  }

  /**
   * A refusal without a stack trace, for the paths that refuse in bulk: an overloaded node's
   * admission, and a caller decoding the node's {@code REJECTED} answers. Under a flood these
   * run hundreds of thousands of times a second, and a stack trace would cost more than the
   * refusal while saying nothing the message does not.
   *
   * <pre>{@code
   * return Mono.error(RejectedException.withoutStackTrace("node n1 is overloaded: ..."));
   * }</pre>
   *
   * @param message why the request was refused
   * @return the exception
   */
  public static RejectedException withoutStackTrace(String message) {
    return new RejectedException(message, false);
  }
}
