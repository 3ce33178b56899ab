package io.meshwork.core.membership;

import io.meshwork.membership.Member;
import io.meshwork.membership.MemberStatus;
import org.jspecify.annotations.Nullable;

/**
 * Which membership update wins, as in SWIM with incarnation numbers. Pure functions; every node
 * applies them to the same updates and so reaches the same view.
 *
 * <p>An update wins when its (incarnation, status) is higher, comparing incarnations first and then
 * the statuses in the order ALIVE &lt; SUSPECT &lt; DEAD &lt; LEFT. Hence:
 *
 * <ul>
 *   <li>a suspicion or a death notice overrides ALIVE at the same incarnation;
 *   <li>a member refutes a suspicion, and comes back after DEAD, only with a higher incarnation,
 *       which only the member itself raises;
 *   <li>anything about an unknown member is news (DEAD and LEFT are kept as tombstones, so that a
 *       late ALIVE at the same incarnation cannot resurrect a dead member).
 * </ul>
 *
 * <p>The order is total, so applying updates is taking a maximum: the result does not depend on
 * the order in which gossip delivers them (property-tested).
 */
public final class UpdateRules {

  private UpdateRules() {}

  /**
   * Whether {@code incoming} should replace {@code current} in the view.
   *
   * @param incoming the update received
   * @param current what the view holds for that member, or {@code null} if nothing
   * @return whether to apply (and spread) it
   */
  public static boolean supersedes(Member incoming, @Nullable Member current) {
    if (current == null) {
      return true;
    }
    if (incoming.incarnation() != current.incarnation()) {
      return incoming.incarnation() > current.incarnation();
    }
    return incoming.status().ordinal() > current.status().ordinal();
  }

  /**
   * Whether a running member must refute an update about itself: one that would win over its own
   * entry anywhere — a suspicion, death or leave notice at its incarnation, or anything at a
   * higher incarnation (a previous run of this node reached it before a restart) — or one at the
   * same incarnation that advertises something else (also a previous run).
   *
   * @param aboutSelf an update whose id is this node's
   * @param self this node's own entry (ALIVE)
   * @return whether to raise the incarnation above the update's and spread ALIVE
   */
  public static boolean mustRefute(Member aboutSelf, Member self) {
    if (aboutSelf.incarnation() != self.incarnation()) {
      return aboutSelf.incarnation() > self.incarnation();
    }
    return aboutSelf.status() != MemberStatus.ALIVE || !aboutSelf.advertisesSameAs(self);
  }

  /**
   * The incarnation that refutes {@code aboutSelf}.
   *
   * @param aboutSelf the suspicion or death notice
   * @param ownIncarnation this node's incarnation
   * @return one above both
   */
  public static long refutingIncarnation(Member aboutSelf, long ownIncarnation) {
    return Math.max(aboutSelf.incarnation(), ownIncarnation) + 1;
  }
}
