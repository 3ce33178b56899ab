package io.meshwork;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a broadcast at one member: one per member, success or failure, so one dead
 * member never hides the others' outcomes.
 *
 * <pre>{@code
 * node.broadcast(Message.of("config.changed", cfg))
 *     .filter(d -> !d.isSuccess())
 *     .subscribe(d -> log.warn("{} missed the change: {}", d.member(), d.failure()));
 * }</pre>
 *
 * @param member the member
 * @param reply the member's reply for an acknowledged broadcast, else {@code null}
 * @param failure why delivery to this member failed, or {@code null} on success
 * @param sent messages sent to this member (1 or 0 for a single message)
 * @param dropped messages dropped for this member by a stream broadcast's overflow policy
 */
public record Delivery(
    NodeId member, @Nullable Message reply, @Nullable Throwable failure, long sent, long dropped) {

  /** Checks the member is present and the counts are not negative. */
  public Delivery {
    Objects.requireNonNull(member, "member");
    if (sent < 0 || dropped < 0) {
      throw new IllegalArgumentException("counts must not be negative: " + sent + ", " + dropped);
    }
  }

  /**
   * A message written to a member (fire-and-forget).
   *
   * @param member the member
   * @return the delivery
   */
  public static Delivery sent(NodeId member) {
    return new Delivery(member, null, null, 1, 0);
  }

  /**
   * A member's reply (acknowledged broadcast).
   *
   * @param member the member
   * @param reply its reply
   * @return the delivery
   */
  public static Delivery acknowledged(NodeId member, Message reply) {
    return new Delivery(member, reply, null, 1, 0);
  }

  /**
   * A failure at one member.
   *
   * @param member the member
   * @param failure the typed failure
   * @param sent messages sent before it failed
   * @param dropped messages dropped before it failed
   * @return the delivery
   */
  public static Delivery failed(NodeId member, Throwable failure, long sent, long dropped) {
    return new Delivery(member, null, Objects.requireNonNull(failure, "failure"), sent, dropped);
  }

  /**
   * Whether the member got the message (or the whole stream).
   *
   * @return {@code true} without a failure
   */
  public boolean isSuccess() {
    return failure == null;
  }
}
