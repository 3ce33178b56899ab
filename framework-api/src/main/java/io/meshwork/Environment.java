package io.meshwork;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Where a node gets time, randomness and its timer scheduler. Protocol code reads none of them
 * from globals, so a simulation can run whole clusters on one virtual clock and a seed.
 *
 * <pre>{@code
 * Environment prod = Environment.system();
 * VirtualTimeScheduler vts = VirtualTimeScheduler.create();
 * Environment sim = Environment.of(vts, new SplittableRandom(seed));  // one seed, one run
 * }</pre>
 */
public final class Environment {

  /**
   * Meshwork's own timer threads, apart from {@code Schedulers.parallel()}: libraries below
   * (rsocket-java's keepalive) cancel their timers there from event-loop threads, and a cancel
   * that finds the queue lock held by our many timers would park an event loop.
   */
  private static final Environment SYSTEM =
      new Environment(
          Schedulers.newParallel("meshwork-timer", Math.max(2, Schedulers.DEFAULT_POOL_SIZE / 2), true),
          new ThreadLocalRandomSource(),
          System::nanoTime);

  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final LongSupplier nanoClock;

  private Environment(Scheduler scheduler, RandomGenerator random, LongSupplier nanoClock) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.random = Objects.requireNonNull(random, "random");
    this.nanoClock = nanoClock;
  }

  /**
   * Production: a parallel scheduler of Meshwork's own daemon threads ({@code meshwork-timer-*})
   * for timers and protocol loops, a thread-safe random source, and {@link System#nanoTime()}.
   *
   * @return the system environment
   */
  public static Environment system() {
    return SYSTEM;
  }

  /**
   * An environment whose clock is the scheduler's own ({@link Scheduler#now(TimeUnit)}), as with
   * a {@code VirtualTimeScheduler}.
   *
   * @param scheduler the timer scheduler and clock
   * @param random the random source; it is used from the node's threads, so a non-thread-safe
   *     generator (a seeded {@code SplittableRandom}) is only safe in a single-threaded simulation
   * @return the environment
   */
  public static Environment of(Scheduler scheduler, RandomGenerator random) {
    return new Environment(scheduler, random, () -> scheduler.now(TimeUnit.NANOSECONDS));
  }

  /**
   * The scheduler timers run on.
   *
   * @return the scheduler
   */
  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * The random source, for ids, jitter and protocol choices.
   *
   * @return the source
   */
  public RandomGenerator random() {
    return random;
  }

  /**
   * A monotonic clock for measuring elapsed time.
   *
   * @return nanoseconds from an arbitrary origin
   */
  public long nanoTime() {
    return nanoClock.getAsLong();
  }

  /** Draws from the calling thread's {@link ThreadLocalRandom}: thread-safe, unseeded. */
  private static final class ThreadLocalRandomSource implements RandomGenerator {
    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }
  }
}
