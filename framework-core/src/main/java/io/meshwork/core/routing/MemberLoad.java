package io.meshwork.core.routing;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the load balancer knows about one member: calls in flight, and a peak-EWMA of their
 * latency (Finagle's): a slower answer raises it at once, faster ones bring it down over the
 * decay time, and without answers it fades towards 0, so a member once slow is tried again.
 * Updated from any thread; a lost update under a race only blurs an estimate.
 */
final class MemberLoad {

  private final AtomicInteger outstanding = new AtomicInteger();
  private final long decayNanos;
  private volatile double ewmaNanos;
  private volatile long stampNanos;

  MemberLoad(long decayNanos, long initialNanos) {
    this.decayNanos = decayNanos;
    this.ewmaNanos = initialNanos;
  }

  void started() {
    outstanding.incrementAndGet();
  }

  /** A call ended after {@code elapsed}; {@code latency} false for a cancelled one. */
  void ended(long nowNanos, long elapsedNanos, boolean latency) {
    outstanding.decrementAndGet();
    if (!latency) {
      return;
    }
    double w = weight(nowNanos);
    double current = ewmaNanos * w;
    ewmaNanos = elapsedNanos > current ? elapsedNanos : current + elapsedNanos * (1 - w);
    stampNanos = nowNanos;
  }

  /** How much of the estimate survives since the last sample. */
  private double weight(long nowNanos) {
    return Math.exp(-(double) Math.max(0, nowNanos - stampNanos) / decayNanos);
  }

  /** The latency estimate now, faded for the time without answers. */
  double ewma(long nowNanos) {
    return ewmaNanos * weight(nowNanos);
  }

  int outstanding() {
    return outstanding.get();
  }
}
