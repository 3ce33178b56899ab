package io.meshwork.error;

import org.jspecify.annotations.Nullable;

/** The called node serves no handler for this route and interaction model. Not retryable. */
public final class NoSuchRouteException extends MeshworkException {

  private static final long serialVersionUID = 1L;

  private final String route;
  private final @Nullable String node;

  /**
   * Creates the exception.
   *
   * @param route the route that was called
   * @param node the node that answered, or {@code null} if unknown
   * @param message the full explanation
   */
  public NoSuchRouteException(String route, @Nullable String node, String message) {
    super(message, null);
    this.route = route;
    this.node = node;
  }

  /**
   * The route that was called.
   *
   * @return the route
   */
  public String route() {
    return route;
  }

  /**
   * The node that has no such route.
   *
   * @return its id, or {@code null} if unknown
   */
  public @Nullable String node() {
    return node;
  }
}
