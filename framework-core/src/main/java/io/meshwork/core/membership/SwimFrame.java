package io.meshwork.core.membership;

import io.meshwork.NodeId;
import io.meshwork.membership.Member;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One membership protocol message. Every kind carries membership updates: piggybacked gossip for
 * probes, the whole view for a sync.
 *
 * @param kind what it is
 * @param seq the probe's sequence number (probes and their answers), else 0
 * @param target whom a probe is for (the prober's entry for it), else {@code null}
 * @param acked for an answer: whether the target answered (an indirect probe may fail)
 * @param members the updates, or the whole view for a sync
 */
record SwimFrame(
    Kind kind, long seq, @Nullable Member target, boolean acked, List<Member> members) {

  SwimFrame {
    members = List.copyOf(members);
  }

  /** What a frame is. */
  enum Kind {
    /** A direct probe of {@code target}; answered by an ACK. */
    PING,
    /** Asks the receiver to probe {@code target}; answered by an ACK, {@code acked} or not. */
    PING_REQ,
    /** A probe's answer. */
    ACK,
    /** Updates pushed by a gossip round or a leaving member; not answered. */
    GOSSIP,
    /** A whole view pushed; answered by the receiver's whole view (push-pull). */
    SYNC
  }

  static SwimFrame ping(long seq, Member target, List<Member> updates) {
    return new SwimFrame(Kind.PING, seq, target, false, updates);
  }

  static SwimFrame pingReq(long seq, Member target, List<Member> updates) {
    return new SwimFrame(Kind.PING_REQ, seq, target, false, updates);
  }

  static SwimFrame ack(long seq, boolean acked, List<Member> updates) {
    return new SwimFrame(Kind.ACK, seq, null, acked, updates);
  }

  static SwimFrame gossip(List<Member> updates) {
    return new SwimFrame(Kind.GOSSIP, 0, null, false, updates);
  }

  static SwimFrame sync(List<Member> view) {
    return new SwimFrame(Kind.SYNC, 0, null, false, view);
  }

  /** Whether a probe is meant for this node. */
  boolean isFor(NodeId self) {
    return target != null && target.id().equals(self);
  }
}
