package io.meshwork.spi;

import io.meshwork.Handler;
import java.util.Objects;

/**
 * One handler registered for a route.
 *
 * @param name the route
 * @param handler the handler; its interaction model says which calls it serves
 */
public record Route(String name, Handler handler) {

  /** Checks both are present. */
  public Route {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(handler, "handler");
  }
}
