package io.meshwork.error;

/**
 * A payload exceeds the receiving node's inbound limit ({@code
 * NodeBuilder.maxInboundPayloadSize}). When the limit is known in advance the sender fails
 * without sending anything; otherwise the receiver refuses it. Either way the connection stays
 * usable. Not retryable: the same payload will be refused again.
 */
public final class PayloadTooLargeException extends MeshworkException {

  private static final long serialVersionUID = 1L;

  private final long size;
  private final long limit;

  /**
   * Creates the exception.
   *
   * @param size the payload's size in bytes, or -1 if not known
   * @param limit the limit in bytes, or -1 if not known
   * @param message the full explanation
   */
  public PayloadTooLargeException(long size, long limit, String message) {
    super(message, null);
    this.size = size;
    this.limit = limit;
  }

  /**
   * Builds the standard explanation.
   *
   * @param size the payload's size in bytes
   * @param limit the limit in bytes
   * @param route the route called
   * @param node the receiving node
   * @return the exception
   */
  public static PayloadTooLargeException of(long size, long limit, String route, String node) {
    return new PayloadTooLargeException(
        size,
        limit,
        "Payload of "
            + size
            + " bytes for route '"
            + route
            + "' exceeds the "
            + limit
            + "-byte inbound limit of node "
            + node
            + "; send smaller messages or raise maxInboundPayloadSize on that node");
  }

  /**
   * The payload's size.
   *
   * @return bytes, or -1 if not known
   */
  public long size() {
    return size;
  }

  /**
   * The limit it exceeded.
   *
   * @return bytes, or -1 if not known
   */
  public long limit() {
    return limit;
  }
}
