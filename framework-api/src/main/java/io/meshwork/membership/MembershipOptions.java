package io.meshwork.membership;

import java.time.Duration;
import java.util.Objects;

/**
 * The SWIM protocol's parameters, and what each one trades. Immutable; every {@code with…} method
 * returns a copy.
 *
 * <p>With {@code n} members, {@code log = ceil(log2(n + 1))}, period {@code T}, probe timeout
 * {@code t}, suspicion multiplier {@code s} and gossip interval {@code g}, a crashed member is
 * declared DEAD by every live member within
 *
 * <pre>
 *   T + t + s × log × T + log × g
 * </pre>
 *
 * (the probe's period — a crashed member's connections close and it is probed at once —, the
 * probe timeout, the suspicion timeout, and the time for the death notice to spread), as
 * ScaleCube's {@code ClusterMath} states it; a member that falls silent with its connections open
 * may first wait its turn to be probed ({@link #silentDetectionBound}). With the defaults and
 * 50 members that is 1 s + 0.5 s + 4 × 6 × 1 s + 6 × 0.2 s = 26.7 s.
 *
 * <pre>{@code
 * MembershipOptions fast = MembershipOptions.defaults()
 *     .withPeriod(Duration.ofMillis(200))
 *     .withProbeTimeout(Duration.ofMillis(100))
 *     .withSuspicionMultiplier(3);
 * Node.builder().membership(fast)...
 * }</pre>
 *
 * @param period the protocol period {@code T}: one member probed per period. Shorter detects
 *     sooner and costs more messages (one probe and one answer per member per period).
 * @param probeTimeout {@code t}: how long a direct probe waits before asking {@code k} others to
 *     probe. Must be below the period; shorter moves to indirect probes sooner, but too short
 *     mistakes a slow round trip for a failure.
 * @param indirectProbes {@code k}: how many members probe on our behalf when the direct probe
 *     fails. More tolerates more lost messages and a congested link between two members, at
 *     {@code 2k} more messages per failed probe.
 * @param suspicionMultiplier {@code s}: a suspect is declared DEAD after {@code s × log × T}.
 *     Higher gives a falsely suspected member more time to refute (fewer false deaths under loss
 *     or pauses) and detects real crashes later.
 * @param gossipInterval {@code g}: how often pending updates are pushed to {@code gossipFanout}
 *     members, beside those piggybacked on probes. Shorter spreads news sooner, with more messages.
 * @param gossipFanout how many members each gossip round sends to. Higher spreads faster.
 * @param gossipRepeatMultiplier λ: each update is sent {@code λ × log} times before it is dropped.
 *     Higher makes reaching everyone under loss more certain, at more bytes per message.
 * @param syncInterval how often a full view is exchanged (push-pull) with one seed or one member
 *     believed dead: what merges two sides after a partition heals, and lets a restarted seed
 *     catch up. Shorter heals sooner.
 * @param tombstoneRetention how long a DEAD or LEFT member is remembered: that long a late,
 *     stale update cannot bring it back, and a dead member is tried by the periodic sync.
 */
public record MembershipOptions(
    Duration period,
    Duration probeTimeout,
    int indirectProbes,
    int suspicionMultiplier,
    Duration gossipInterval,
    int gossipFanout,
    int gossipRepeatMultiplier,
    Duration syncInterval,
    Duration tombstoneRetention) {

  private static final MembershipOptions DEFAULTS =
      new MembershipOptions(
          Duration.ofSeconds(1),
          Duration.ofMillis(500),
          3,
          4,
          Duration.ofMillis(200),
          3,
          3,
          Duration.ofSeconds(30),
          Duration.ofMinutes(10));

  /** Validates the parameters. */
  public MembershipOptions {
    positive(period, "period");
    positive(probeTimeout, "probeTimeout");
    positive(gossipInterval, "gossipInterval");
    positive(syncInterval, "syncInterval");
    positive(tombstoneRetention, "tombstoneRetention");
    if (probeTimeout.compareTo(period) >= 0) {
      throw new IllegalArgumentException(
          "probeTimeout (" + probeTimeout + ") must be shorter than the period (" + period + ")");
    }
    if (indirectProbes < 0 || suspicionMultiplier < 1 || gossipFanout < 1
        || gossipRepeatMultiplier < 1) {
      throw new IllegalArgumentException(
          "indirectProbes must be 0 or more, suspicionMultiplier, gossipFanout and"
              + " gossipRepeatMultiplier 1 or more; got "
              + indirectProbes + ", " + suspicionMultiplier + ", " + gossipFanout + ", "
              + gossipRepeatMultiplier);
    }
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }

  /**
   * The defaults: period 1 s, probe timeout 500 ms, 3 indirect probes, suspicion multiplier 4,
   * gossip every 200 ms to 3 members, λ = 3, a full sync every 30 s, tombstones kept 10 min.
   *
   * @return the defaults
   */
  public static MembershipOptions defaults() {
    return DEFAULTS;
  }

  /**
   * @param value the period
   * @return a copy with it
   */
  public MembershipOptions withPeriod(Duration value) {
    return new MembershipOptions(value, probeTimeout, indirectProbes, suspicionMultiplier,
        gossipInterval, gossipFanout, gossipRepeatMultiplier, syncInterval, tombstoneRetention);
  }

  /**
   * @param value the probe timeout
   * @return a copy with it
   */
  public MembershipOptions withProbeTimeout(Duration value) {
    return new MembershipOptions(period, value, indirectProbes, suspicionMultiplier,
        gossipInterval, gossipFanout, gossipRepeatMultiplier, syncInterval, tombstoneRetention);
  }

  /**
   * @param value k
   * @return a copy with it
   */
  public MembershipOptions withIndirectProbes(int value) {
    return new MembershipOptions(period, probeTimeout, value, suspicionMultiplier,
        gossipInterval, gossipFanout, gossipRepeatMultiplier, syncInterval, tombstoneRetention);
  }

  /**
   * @param value the suspicion multiplier
   * @return a copy with it
   */
  public MembershipOptions withSuspicionMultiplier(int value) {
    return new MembershipOptions(period, probeTimeout, indirectProbes, value,
        gossipInterval, gossipFanout, gossipRepeatMultiplier, syncInterval, tombstoneRetention);
  }

  /**
   * @param value the gossip interval
   * @return a copy with it
   */
  public MembershipOptions withGossipInterval(Duration value) {
    return new MembershipOptions(period, probeTimeout, indirectProbes, suspicionMultiplier,
        value, gossipFanout, gossipRepeatMultiplier, syncInterval, tombstoneRetention);
  }

  /**
   * @param value the gossip fan-out
   * @return a copy with it
   */
  public MembershipOptions withGossipFanout(int value) {
    return new MembershipOptions(period, probeTimeout, indirectProbes, suspicionMultiplier,
        gossipInterval, value, gossipRepeatMultiplier, syncInterval, tombstoneRetention);
  }

  /**
   * @param value λ
   * @return a copy with it
   */
  public MembershipOptions withGossipRepeatMultiplier(int value) {
    return new MembershipOptions(period, probeTimeout, indirectProbes, suspicionMultiplier,
        gossipInterval, gossipFanout, value, syncInterval, tombstoneRetention);
  }

  /**
   * @param value the sync interval
   * @return a copy with it
   */
  public MembershipOptions withSyncInterval(Duration value) {
    return new MembershipOptions(period, probeTimeout, indirectProbes, suspicionMultiplier,
        gossipInterval, gossipFanout, gossipRepeatMultiplier, value, tombstoneRetention);
  }

  /**
   * @param value how long DEAD and LEFT members are remembered
   * @return a copy with it
   */
  public MembershipOptions withTombstoneRetention(Duration value) {
    return new MembershipOptions(period, probeTimeout, indirectProbes, suspicionMultiplier,
        gossipInterval, gossipFanout, gossipRepeatMultiplier, syncInterval, value);
  }

  /**
   * {@code ceil(log2(n + 1))}: the rounds an epidemic needs to reach {@code n} members, and the
   * scale of every bound here.
   *
   * @param n the cluster size, at least 1
   * @return the rounds
   */
  public static int log2Ceil(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("cluster size must be at least 1, got " + n);
    }
    return 32 - Integer.numberOfLeadingZeros(n);
  }

  /**
   * How long a member stays SUSPECT before it is declared DEAD: {@code s × log × T}.
   *
   * @param n the cluster size
   * @return the suspicion timeout
   */
  public Duration suspicionTimeout(int n) {
    return period.multipliedBy((long) suspicionMultiplier * log2Ceil(n));
  }

  /**
   * How many times an update is gossiped before it is dropped: {@code λ × log}.
   *
   * @param n the cluster size
   * @return the retransmit limit
   */
  public int retransmitLimit(int n) {
    return gossipRepeatMultiplier * log2Ceil(n);
  }

  /**
   * The time for an update to reach every member: {@code log × g}.
   *
   * @param n the cluster size
   * @return the dissemination time
   */
  public Duration disseminationTime(int n) {
    return gossipInterval.multipliedBy(log2Ceil(n));
  }

  /**
   * The longest a crashed member goes undeclared by every live member: {@code T + t + s × log × T
   * + log × g}. A crashed process's connections close, and a member whose connection closes is
   * probed at once, so the first term is the probe's period, not a wait for its turn.
   *
   * @param n the cluster size
   * @return the detection bound
   */
  public Duration detectionBound(int n) {
    return period.plus(probeTimeout).plus(suspicionTimeout(n)).plus(disseminationTime(n));
  }

  /**
   * The longest a member that falls silent without its connections closing (hung, or cut off by
   * a partition) goes undeclared: {@link #detectionBound} plus {@code (n − 1) × T}, the most a
   * member waits for its turn in the randomized round-robin order of some prober. Typically far
   * less: in any period some member probes it with probability {@code 1 − (1 − 1/(n−1))^(n−1)},
   * about 63 %.
   *
   * @param n the cluster size
   * @return the bound
   */
  public Duration silentDetectionBound(int n) {
    return detectionBound(n).plus(period.multipliedBy(Math.max(0, n - 1)));
  }
}
