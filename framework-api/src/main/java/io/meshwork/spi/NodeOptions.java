package io.meshwork.spi;

import io.meshwork.Address;
import io.meshwork.CallOptions;
import io.meshwork.Environment;
import io.meshwork.NodeId;
import io.meshwork.transport.Transport;
import io.meshwork.CircuitBreakerOptions;
import io.meshwork.LoadBalancing;
import io.meshwork.membership.MembershipOptions;
import java.util.List;
import java.util.Map;

/**
 * Everything a {@link io.meshwork.NodeBuilder} collected, validated and immutable.
 *
 * @param id the node's id
 * @param bindAddress where to listen (port 0: ephemeral)
 * @param advertiseAddress where other nodes are told to reach it: the bind address unless set
 *     (port 0: the bound port)
 * @param seeds the nodes to connect to at start
 * @param transport the transport
 * @param routes the handlers, in registration order
 * @param environment time, randomness and scheduling
 * @param maxInboundPayloadSize the largest payload accepted, in bytes
 * @param callOptions the defaults for outgoing calls
 * @param metrics where the node reports what it does
 * @param membership the membership protocol's parameters
 * @param metadata what the node advertises to the cluster
 * @param loadBalancing how {@code Target.anyServing} picks a member by default
 * @param maxConcurrentHandlers how many handlers may run at once on the node
 * @param maxInFlightPerPeer how many of them may serve one peer
 * @param circuitBreakers the per-member circuit breakers of load-balanced calls
 */
public record NodeOptions(
    NodeId id,
    Address bindAddress,
    Address advertiseAddress,
    List<Address> seeds,
    Transport transport,
    List<Route> routes,
    Environment environment,
    int maxInboundPayloadSize,
    CallOptions callOptions,
    NodeMetrics metrics,
    MembershipOptions membership,
    Map<String, String> metadata,
    LoadBalancing loadBalancing,
    int maxConcurrentHandlers,
    int maxInFlightPerPeer,
    CircuitBreakerOptions circuitBreakers) {

  /** Copies the lists and the metadata. */
  public NodeOptions {
    seeds = List.copyOf(seeds);
    routes = List.copyOf(routes);
    metadata = Map.copyOf(metadata);
  }
}
