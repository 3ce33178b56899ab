package io.meshwork.core.membership;

/**
 * A suspicion level per member from observed heartbeat (probe-answer) intervals, after Hayashibara
 * et al.'s phi-accrual detector: {@code phi = -log10(P(an interval this long or longer))}, with
 * the intervals modelled as a normal distribution over a sliding window (the logistic
 * approximation Akka uses). phi 1 means a 10 % chance the member is still alive and merely slow,
 * phi 3 means 0.1 %. The load balancer can lower a member's weight as its phi rises.
 *
 * <p>One writer (the node's protocol loop calls {@link #heartbeat}); {@link #phi} may be read from
 * any thread, as it reads one published estimate. Times are the caller's, in nanoseconds from the
 * node's {@code Environment}.
 */
public final class PhiAccrualDetector {

  private final long[] intervals;
  private final long minStdDevNanos;
  private int count;
  private int head;
  private long sum;
  private double sumOfSquares;
  private long lastNanos = -1;
  private volatile Estimate published = new Estimate(-1, 0, 1);

  /** What {@link #phi} needs, published as one value after each heartbeat. */
  private record Estimate(long lastNanos, double mean, double stdDev) {}

  /**
   * Creates a detector.
   *
   * @param windowSize how many intervals to remember, at least 1
   * @param minStdDevNanos a floor on the standard deviation, so a very regular member does not
   *     look dead at the first small delay
   * @param firstIntervalNanos the interval assumed before any is observed (the probe period)
   */
  public PhiAccrualDetector(int windowSize, long minStdDevNanos, long firstIntervalNanos) {
    if (windowSize < 1 || minStdDevNanos <= 0 || firstIntervalNanos <= 0) {
      throw new IllegalArgumentException(
          "windowSize, minStdDev and firstInterval must be positive, got "
              + windowSize + ", " + minStdDevNanos + ", " + firstIntervalNanos);
    }
    this.intervals = new long[windowSize];
    this.minStdDevNanos = minStdDevNanos;
    // seed the window as Akka does: the expected interval, with a spread of a quarter of it
    add(firstIntervalNanos - firstIntervalNanos / 4);
    add(firstIntervalNanos + firstIntervalNanos / 4);
  }

  /**
   * A heartbeat (an answered probe) arrived.
   *
   * @param nowNanos when
   */
  public void heartbeat(long nowNanos) {
    if (lastNanos >= 0 && nowNanos > lastNanos) {
      add(nowNanos - lastNanos);
    }
    lastNanos = nowNanos;
    double mean = (double) sum / count;
    double variance = Math.max(0, sumOfSquares / count - mean * mean);
    published = new Estimate(nowNanos, mean, Math.max(Math.sqrt(variance), minStdDevNanos));
  }

  private void add(long interval) {
    if (count == intervals.length) {
      long old = intervals[head];
      sum -= old;
      sumOfSquares -= (double) old * old;
    } else {
      count++;
    }
    intervals[head] = interval;
    head = (head + 1) % intervals.length;
    sum += interval;
    sumOfSquares += (double) interval * interval;
  }

  /**
   * The suspicion level now: 0 right after a heartbeat, rising the longer none comes.
   *
   * @param nowNanos now
   * @return phi, 0 or more
   */
  public double phi(long nowNanos) {
    Estimate e0 = published;
    if (e0.lastNanos() < 0) {
      return 0;
    }
    double mean = e0.mean();
    double stdDev = e0.stdDev();
    double elapsed = nowNanos - e0.lastNanos();
    double y = (elapsed - mean) / stdDev;
    double e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
    double pLater = elapsed > mean ? e / (1 + e) : 1 - 1 / (1 + e);
    return pLater <= 0 ? Double.MAX_VALUE : Math.max(0, -Math.log10(pLater));
  }
}
