package io.meshwork.core;

import io.meshwork.NodeId;
import io.meshwork.error.UnreachableException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How one call to a target that names no member ({@code Target.anyServing}, {@code Target.key})
 * finds one: asked again at each attempt, so a retry sees the current view.
 */
interface Routing {

  /**
   * The member this attempt goes to.
   *
   * @throws UnreachableException if no live member fits (a retry may find one)
   */
  NodeId pick();

  /** The attempt to {@code member}, with whatever the routing learns from it. */
  <T> Mono<T> track(NodeId member, Mono<T> attempt);

  /** The stream or channel to {@code member}, with whatever the routing learns from it. */
  <T> Flux<T> track(NodeId member, Flux<T> attempt);
}
