package io.meshwork.membership;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A change in a node's view of the cluster.
 *
 * <pre>{@code
 * node.membership().events()
 *     .filter(e -> e.type() == MembershipEvent.Type.DEAD)
 *     .subscribe(e -> log.warn("{} is dead", e.member().id()));
 * }</pre>
 *
 * @param type what happened
 * @param member the member as the view holds it now
 * @param previous what the view held before, or {@code null} for a member not known before (and
 *     for the replay of the current view to a new subscriber)
 * @param atNanos when the node saw it, on its environment's clock
 */
public record MembershipEvent(
    Type type, Member member, @Nullable Member previous, long atNanos) {

  /** Checks the fields are present. */
  public MembershipEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(member, "member");
  }

  /** What happened to the member. */
  public enum Type {
    /** A member is in the view: newly seen, back after DEAD or LEFT, or replayed to a subscriber. */
    JOINED,
    /** A member missed its probes; it will be declared DEAD unless it refutes in time. */
    SUSPECTED,
    /** A suspected member refuted the suspicion (with a higher incarnation). */
    ALIVE,
    /** A member left gracefully. */
    LEFT,
    /** A member did not refute its suspicion in time. */
    DEAD,
    /** A live member advertises new metadata, routes or address. */
    METADATA_CHANGED
  }

  @Override
  public String toString() {
    return type + " " + member;
  }
}
