package io.meshwork.core;

import io.meshwork.NodeId;
import io.meshwork.Target;
import io.meshwork.error.UnreachableException;
import io.meshwork.membership.Member;
import io.meshwork.membership.Membership;
import java.util.List;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One call to {@link Target.ToKey}: each attempt goes to the key's owner on the ring of the live
 * members serving the route. A retry after the owner died goes to the new owner once the view has
 * dropped it.
 */
final class KeyRouting implements Routing {

  private final String key;
  private final @Nullable String route;
  private final Membership membership;

  KeyRouting(Target.ToKey target, @Nullable String route, Membership membership) {
    this.key = target.key();
    this.route = route;
    this.membership = membership;
  }

  @Override
  public NodeId pick() {
    List<Member> owners = membership.owners(route, key, 1);
    if (owners.isEmpty()) {
      throw new UnreachableException(
          "No live member of node " + membership.self().id() + "'s view "
              + (route == null ? "is up" : "serves route '" + route + "'")
              + " to own key '" + key + "'",
          null);
    }
    return owners.get(0).id();
  }

  @Override
  public <T> Mono<T> track(NodeId member, Mono<T> attempt) {
    return attempt;
  }

  @Override
  public <T> Flux<T> track(NodeId member, Flux<T> attempt) {
    return attempt;
  }
}
