package io.meshwork.core;

import io.meshwork.Handler;
import io.meshwork.Interaction;
import io.meshwork.spi.Route;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** The handlers of a node by route and interaction model; immutable after construction. */
final class RouteTable {

  private static final Interaction[] INTERACTIONS = Interaction.values();
  private static final int MAX_LISTED = 32;

  private final Map<String, Handler[]> byRoute;

  RouteTable(List<Route> routes) {
    Map<String, Handler[]> map = new HashMap<>();
    for (Route r : routes) {
      map.computeIfAbsent(r.name(), k -> new Handler[INTERACTIONS.length])[
              r.handler().interaction().ordinal()] =
          r.handler();
    }
    this.byRoute = map;
  }

  /** The handler, or {@code null} if the route does not serve that interaction model. */
  @Nullable Handler find(String route, Interaction interaction) {
    Handler[] handlers = byRoute.get(route);
    return handlers == null ? null : handlers[interaction.ordinal()];
  }

  /** Whether the route serves any interaction model. */
  boolean serves(String route) {
    return byRoute.containsKey(route);
  }

  /** Explains why {@link #find} found nothing: what the route serves, or which routes exist. */
  String explainMissing(String route, Interaction interaction) {
    Handler[] handlers = byRoute.get(route);
    if (handlers == null) {
      // Sorted, so the message is the same on every run; capped, so it stays short.
      List<String> names = new ArrayList<>(new TreeMap<>(byRoute).keySet());
      return "no route '"
          + route
          + "'; routes served: "
          + (names.size() <= MAX_LISTED
              ? names
              : names.subList(0, MAX_LISTED) + " and " + (names.size() - MAX_LISTED) + " more");
    }
    List<Interaction> served = new ArrayList<>();
    for (Interaction i : INTERACTIONS) {
      if (handlers[i.ordinal()] != null) {
        served.add(i);
      }
    }
    return "route '" + route + "' serves " + served + ", not " + interaction;
  }
}
