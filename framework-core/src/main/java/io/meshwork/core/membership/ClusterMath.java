package io.meshwork.core.membership;

import java.time.Duration;

/**
 * The bounds SWIM's parameters imply, as formulas (after ScaleCube's ClusterMath). Pure functions
 * of the cluster size and the parameters; the membership options' javadoc quotes them.
 */
public final class ClusterMath {

  private ClusterMath() {}

  /**
   * {@code ceil(log2(n + 1))}: the rounds an epidemic needs to reach {@code n} members, and the
   * scale of every other bound here.
   *
   * @param n the cluster size, at least 1
   * @return the rounds
   */
  public static int log2Ceil(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("cluster size must be at least 1, got " + n);
    }
    return 32 - Integer.numberOfLeadingZeros(n); // = ceil(log2(n + 1)) for n >= 1
  }

  /**
   * How many times each update is piggybacked before it is dropped: {@code λ × ceil(log2(n+1))}.
   *
   * @param n the cluster size
   * @param multiplier λ, the gossip repeat multiplier
   * @return the retransmit limit
   */
  public static int retransmitLimit(int n, int multiplier) {
    return multiplier * log2Ceil(n);
  }

  /**
   * How long a member stays SUSPECT before it is declared DEAD: {@code suspicionMultiplier ×
   * ceil(log2(n+1)) × period}. Long enough for the suspicion to reach the suspect and its
   * refutation to come back.
   *
   * @param n the cluster size
   * @param suspicionMultiplier the multiplier
   * @param period the protocol period
   * @return the suspicion timeout
   */
  public static Duration suspicionTimeout(int n, int suspicionMultiplier, Duration period) {
    return period.multipliedBy((long) suspicionMultiplier * log2Ceil(n));
  }

  /**
   * The time for an update to reach every member: {@code ceil(log2(n+1)) × period} rounds of
   * piggybacking.
   *
   * @param n the cluster size
   * @param period the protocol period
   * @return the dissemination time
   */
  public static Duration disseminationTime(int n, Duration period) {
    return period.multipliedBy(log2Ceil(n));
  }

  /**
   * The longest a crashed member can go undeclared by every live member: one period until it is
   * probed, the probe timeout, the suspicion timeout, and the time for DEAD to spread:
   * {@code period + probeTimeout + suspicionMultiplier × ceil(log2(n+1)) × period +
   * ceil(log2(n+1)) × period}. In randomized round-robin order a member is probed at least once
   * every {@code n} periods by each other member, and by some member within about one period.
   *
   * @param n the cluster size
   * @param period the protocol period
   * @param probeTimeout the direct probe's timeout
   * @param suspicionMultiplier the suspicion multiplier
   * @return the detection bound
   */
  public static Duration detectionBound(
      int n, Duration period, Duration probeTimeout, int suspicionMultiplier) {
    return period
        .plus(probeTimeout)
        .plus(suspicionTimeout(n, suspicionMultiplier, period))
        .plus(disseminationTime(n, period));
  }
}
