package io.meshwork;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Whom a verb addresses. Resolution happens at subscription, so a verb built once may be
 * subscribed again (for a retry) and re-resolve.
 *
 * <pre>{@code
 * node.request(Target.member(peerId), Message.of("echo", "hi"));
 * node.request(Target.address("127.0.0.1:7001"), Message.of("echo", "hi"));
 * }</pre>
 */
public sealed interface Target
    permits Target.ToMember, Target.ToAddress, Target.ToAnyServing, Target.ToKey {

  /**
   * A member known by id: the node uses its connection to that member, or connects to the address
   * it knows for it; unknown ids fail with {@link io.meshwork.error.UnreachableException}.
   *
   * @param id the member's id
   * @return the target
   */
  static Target member(NodeId id) {
    return new ToMember(id);
  }

  /**
   * Whatever node listens at an address; the node connects if it has no connection there yet.
   *
   * @param address the address
   * @return the target
   */
  static Target address(Address address) {
    return new ToAddress(address);
  }

  /**
   * Whatever node listens at {@code host:port}.
   *
   * @param hostPort the address as text
   * @return the target
   * @throws IllegalArgumentException if the text is not an address
   */
  static Target address(String hostPort) {
    return new ToAddress(Address.parse(hostPort));
  }

  /**
   * Any live member that serves a route (service discovery through membership): each attempt
   * picks one of the members whose advertised routes include it, this node too if it serves it,
   * by the node's {@link LoadBalancing} strategy (or the one given by {@code balancedBy}); an
   * attempt that fails on one member is retried on another.
   * Fails with {@link io.meshwork.error.UnreachableException} (which a retry policy retries) when
   * no live member serves it.
   *
   * <pre>{@code
   * node.request(Target.anyServing("orders"), Message.of("orders", order));
   * }</pre>
   *
   * @param route the route
   * @return the target
   */
  static ToAnyServing anyServing(String route) {
    return new ToAnyServing(route, null);
  }

  /**
   * The owner of a key (consistent hashing): the first member clockwise from the key's hash on a
   * ring of the live members serving the message's route (for a channel, of all live members),
   * with virtual nodes. Every node with the same view picks the same owner, and a member joining
   * or leaving moves only about {@code 1/n} of the keys. The replica set (the first R distinct
   * owners) is {@link io.meshwork.membership.Membership#owners}.
   *
   * <pre>{@code
   * node.request(Target.key("user-42"), Message.of("carts.get", "user-42"));
   * }</pre>
   *
   * @param key the key
   * @return the target
   */
  static Target key(String key) {
    return new ToKey(key);
  }

  /**
   * The owner of a key on the consistent-hash ring.
   *
   * @param key the key
   */
  record ToKey(String key) implements Target {
    /** Checks the key is present. */
    public ToKey {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
      return "owner of key '" + key + "'";
    }
  }

  /**
   * Any live member serving a route.
   *
   * @param route the route
   * @param balancing how to pick, or {@code null} for the node's default
   */
  record ToAnyServing(String route, @Nullable LoadBalancing balancing) implements Target {
    /** Checks the route is present. */
    public ToAnyServing {
      Objects.requireNonNull(route, "route");
    }

    /**
     * This target, picking by another strategy than the node's default.
     *
     * @param strategy the strategy
     * @return the target
     */
    public ToAnyServing balancedBy(LoadBalancing strategy) {
      return new ToAnyServing(route, Objects.requireNonNull(strategy, "strategy"));
    }

    @Override
    public String toString() {
      return "any member serving '" + route + "'" + (balancing == null ? "" : " by " + balancing);
    }
  }

  /**
   * A member addressed by id.
   *
   * @param id the member's id
   */
  record ToMember(NodeId id) implements Target {
    /** Checks the id is present. */
    public ToMember {
      Objects.requireNonNull(id, "id");
    }

    @Override
    public String toString() {
      return "member " + id;
    }
  }

  /**
   * A node addressed by where it listens.
   *
   * @param address the address
   */
  record ToAddress(Address address) implements Target {
    /** Checks the address is present. */
    public ToAddress {
      Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
      return "address " + address;
    }
  }
}
