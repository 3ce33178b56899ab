package io.meshwork.core.routing;

import io.meshwork.NodeId;
import io.meshwork.membership.Member;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One {@link HashRing} per route over the live members serving it, rebuilt only when the view
 * changes (the view is an immutable list replaced on every change, so a reference comparison
 * tells). Thread-safe; two threads racing on a new view may both build the same ring.
 *
 * <pre>{@code
 * Rings rings = new Rings(membership::members);
 * List<NodeId> replicas = rings.ring("carts").owners("user-42", 3);
 * }</pre>
 */
public final class Rings {

  private record Built(List<Member> view, HashRing ring) {}

  private static final String ALL = "";

  private final Supplier<List<Member>> live;
  private final Map<String, Built> byRoute = new ConcurrentHashMap<>();

  /**
   * @param live the current live view (the same list instance until it changes)
   */
  public Rings(Supplier<List<Member>> live) {
    this.live = live;
  }

  /**
   * The ring of the live members serving a route.
   *
   * @param route the route, or {@code null} for every live member
   * @return the ring (empty if none serves it)
   */
  public HashRing ring(@Nullable String route) {
    return ring(route, live.get());
  }

  /**
   * The ring of the members of {@code view} serving a route: for a caller that must map the
   * ring's ids back to members of the very same view.
   *
   * @param route the route, or {@code null} for every member of the view
   * @param view a live view (the same list instance until it changes)
   * @return the ring
   */
  public HashRing ring(@Nullable String route, List<Member> view) {
    String key = route == null ? ALL : route;
    Built built = byRoute.get(key);
    if (built != null && built.view() == view) {
      return built.ring();
    }
    List<NodeId> members = new ArrayList<>(view.size());
    for (Member m : view) {
      if (route == null || m.serves(route)) {
        members.add(m.id());
      }
    }
    HashRing ring = HashRing.of(members);
    byRoute.put(key, new Built(view, ring));
    return ring;
  }
}
