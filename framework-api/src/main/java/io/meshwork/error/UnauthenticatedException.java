package io.meshwork.error;

import org.jspecify.annotations.Nullable;

/**
 * A connection's handshake failed authentication: the peer did not prove it holds the cluster key
 * ({@code RSocketTransport.builder().clusterKey(...)}), or this node did not. Not retryable: the
 * same keys fail the same way until one side is reconfigured.
 *
 * <pre>{@code
 * node.request(Target.address("10.0.0.7:7000"), msg)
 *     .onErrorResume(UnauthenticatedException.class, e -> alertOps(e));
 * }</pre>
 */
public final class UnauthenticatedException extends MeshworkException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message who failed to authenticate, and how
   * @param cause the transport's report of it, if any
   */
  public UnauthenticatedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
