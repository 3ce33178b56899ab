package io.meshwork;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a broadcast goes out: fire-and-forget or acknowledged, whether this node is a target too,
 * the per-member call options, and — for a stream broadcast — how far one member may fall
 * behind.
 *
 * <pre>{@code
 * node.broadcast(msg);                                                  // fire-and-forget to the others
 * node.broadcast(msg, BroadcastOptions.acknowledged().includeSelf(true)); // every reply, self included
 * node.broadcast(updates, BroadcastOptions.fireAndForget()
 *     .buffer(1024, BroadcastOptions.Overflow.DROP_OLDEST));            // a stream; slow members lose the oldest
 * }</pre>
 *
 * @param awaitReplies whether each member's handler answers (request-response) rather than just
 *     receiving (fire-and-forget); a stream broadcast always opens a channel per member
 * @param includeSelf whether this node is among the targets
 * @param call timeout and retries per member, or {@code null} for the node's {@link
 *     Node#callOptions()}
 * @param buffer for a stream broadcast, the messages held for a member that has not yet asked for
 *     them (its demand); at least 1
 * @param overflow what happens when a member's buffer is full
 */
public record BroadcastOptions(
    boolean awaitReplies,
    boolean includeSelf,
    @Nullable CallOptions call,
    int buffer,
    Overflow overflow) {

  /** What a stream broadcast does when a member's buffer is full. */
  public enum Overflow {
    /**
     * That member's delivery fails with {@link io.meshwork.error.OverflowException}; the others
     * go on.
     */
    ERROR,
    /** The oldest buffered message for that member is dropped and counted. */
    DROP_OLDEST
  }

  /** Validates the buffer. */
  public BroadcastOptions {
    Objects.requireNonNull(overflow, "overflow");
    if (buffer < 1) {
      throw new IllegalArgumentException("buffer must be at least 1, got " + buffer);
    }
  }

  /**
   * Fire-and-forget to every other member; a stream buffers 256 messages per member, then fails
   * that member.
   *
   * @return the options
   */
  public static BroadcastOptions fireAndForget() {
    return new BroadcastOptions(false, false, null, 256, Overflow.ERROR);
  }

  /**
   * Request-response to every other member: each delivery carries the member's reply.
   *
   * @return the options
   */
  public static BroadcastOptions acknowledged() {
    return new BroadcastOptions(true, false, null, 256, Overflow.ERROR);
  }

  /**
   * These options with this node among the targets or not.
   *
   * @param self whether to include this node
   * @return new options
   */
  public BroadcastOptions includeSelf(boolean self) {
    return new BroadcastOptions(awaitReplies, self, call, buffer, overflow);
  }

  /**
   * These options with other per-member call options.
   *
   * @param perMember timeout and retries for each member
   * @return new options
   */
  public BroadcastOptions call(CallOptions perMember) {
    return new BroadcastOptions(awaitReplies, includeSelf, perMember, buffer, overflow);
  }

  /**
   * These options with another per-member buffer for stream broadcasts.
   *
   * @param messages how many messages a member may fall behind, at least 1
   * @param whenFull what happens beyond that
   * @return new options
   */
  public BroadcastOptions buffer(int messages, Overflow whenFull) {
    return new BroadcastOptions(awaitReplies, includeSelf, call, messages, whenFull);
  }
}
