package io.meshwork.clock;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A Lamport clock: one node's logical time, a counter that orders events consistently with
 * causality. If event {@code e} happened before event {@code f}, {@code e}'s time is smaller than
 * {@code f}'s (the converse does not hold; use a {@link VectorClock} to detect concurrency).
 *
 * <pre>{@code
 * LamportClock clock = new LamportClock();           // one per node
 * long sendTime = clock.tick();                      // 1: stamp it on the outgoing message
 * long now = clock.receive(message.lamportTime());   // max(local, received) + 1
 * }</pre>
 *
 * <p>The rules: {@link #tick()} for each local event and each send advances the time by one;
 * {@link #receive(long)} for each received message sets it to {@code max(local, received) + 1}.
 * Both return the new time, and every call that returns gets a different time from every other
 * call on the same clock, so the returned times also order the events of one node.
 *
 * <p>Thread-safe and lock-free: any thread may call any method at any time, including from a
 * Reactor non-blocking thread. No method ever blocks; under contention a call retries its
 * compare-and-set on an {@link AtomicLong}, and some call always succeeds. The time never wraps
 * around: a call that would pass {@link Long#MAX_VALUE} throws {@link ArithmeticException} and
 * leaves the clock unchanged.
 */
public final class LamportClock {

  private final AtomicLong time;

  /** A clock at time 0, before any event. */
  public LamportClock() {
    this(0L);
  }

  /**
   * A clock at the given time, for instance one restored from storage so that time keeps moving
   * forward across restarts.
   *
   * @param initialTime the starting time, {@code >= 0}
   * @throws IllegalArgumentException if {@code initialTime} is negative
   */
  public LamportClock(long initialTime) {
    if (initialTime < 0) {
      throw new IllegalArgumentException(
          "A Lamport clock's initial time must be >= 0, got " + initialTime);
    }
    this.time = new AtomicLong(initialTime);
  }

  /**
   * The current time, without advancing it.
   *
   * @return the time of the latest event, 0 if none yet
   */
  public long now() {
    return time.get();
  }

  /**
   * Records a local event or a send: advances the time by one.
   *
   * @return the new time, to stamp on the event or outgoing message
   * @throws ArithmeticException if the time is already {@link Long#MAX_VALUE}
   */
  public long tick() {
    while (true) {
      long current = time.get();
      if (current == Long.MAX_VALUE) {
        throw overflow();
      }
      long next = current + 1;
      if (time.compareAndSet(current, next)) {
        return next;
      }
    }
  }

  /**
   * Records the receipt of a message stamped with {@code remoteTime}: sets the time to {@code
   * max(local, remoteTime) + 1}.
   *
   * @param remoteTime the sender's time, as carried by the message ({@code >= 0})
   * @return the new time, greater than both the previous local time and {@code remoteTime}
   * @throws IllegalArgumentException if {@code remoteTime} is negative
   * @throws ArithmeticException if {@code max(local, remoteTime)} is {@link Long#MAX_VALUE}
   */
  public long receive(long remoteTime) {
    if (remoteTime < 0) {
      throw new IllegalArgumentException(
          "A received Lamport time must be >= 0, got " + remoteTime);
    }
    while (true) {
      long current = time.get();
      long latest = Math.max(current, remoteTime);
      if (latest == Long.MAX_VALUE) {
        throw overflow();
      }
      long next = latest + 1;
      if (time.compareAndSet(current, next)) {
        return next;
      }
    }
  }

  private static ArithmeticException overflow() {
    return new ArithmeticException("Lamport time would pass Long.MAX_VALUE");
  }

  @Override
  public String toString() {
    return "LamportClock{time=" + time.get() + "}";
  }
}
