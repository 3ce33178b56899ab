package io.meshwork.error;

import org.jspecify.annotations.Nullable;

/**
 * A route's handler failed: it threw or its publisher signalled an error. The remote error's type
 * and message are carried over; its stack trace stays on the node where it happened. Not
 * retryable: the handler ran.
 */
public final class HandlerException extends MeshworkException {

  private static final long serialVersionUID = 1L;

  private final String route;
  private final @Nullable String node;
  private final String errorType;
  private final @Nullable String errorMessage;

  /**
   * Creates the exception.
   *
   * @param route the route whose handler failed
   * @param node the node it ran on, or {@code null} if unknown
   * @param errorType the class name of the handler's error
   * @param errorMessage the handler's error message, if any
   * @param cause the original error when raised on the node that ran the handler, else {@code
   *     null}
   */
  public HandlerException(
      String route,
      @Nullable String node,
      String errorType,
      @Nullable String errorMessage,
      @Nullable Throwable cause) {
    super(
        "Handler of route '"
            + route
            + "' on node "
            + (node == null ? "<unknown>" : node)
            + " failed: "
            + errorType
            + (errorMessage == null ? "" : ": " + errorMessage),
        cause);
    this.route = route;
    this.node = node;
    this.errorType = errorType;
    this.errorMessage = errorMessage;
  }

  /**
   * The route whose handler failed.
   *
   * @return the route
   */
  public String route() {
    return route;
  }

  /**
   * The node the handler ran on.
   *
   * @return its id, or {@code null} if unknown
   */
  public @Nullable String node() {
    return node;
  }

  /**
   * The class name of the handler's error, as {@code java.lang.IllegalStateException}.
   *
   * @return the type
   */
  public String errorType() {
    return errorType;
  }

  /**
   * The handler's error message.
   *
   * @return the message, or {@code null} if it had none
   */
  public @Nullable String errorMessage() {
    return errorMessage;
  }
}
