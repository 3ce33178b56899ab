package io.meshwork.core.resilience;

import io.meshwork.Environment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Per-call timeouts at the cost of one small object and a lock-free enqueue per call, instead of
 * one scheduled task per call ({@code Mono.timeout} schedules on a {@code
 * ScheduledThreadPoolExecutor}: a lock, a heap insertion and a cancellation per call — the largest
 * single cost on the request path in the benchmarks). One task at a time per node, on the node's
 * scheduler, sweeps the pending deadlines every {@code tick}: a timeout fires at the first sweep
 * at or after its deadline, so at most one tick late; calls that ended are dropped by the sweep.
 * On a virtual clock whose ticks align with the deadline (as in tests) it fires exactly on time.
 *
 * <p>An idle sweeper schedules nothing: the first call watched arms it, and a sweep that leaves
 * nothing to watch disarms it. A node with no call in flight costs no wake-up every tick (a
 * process of 16 idle nodes used to take 1,600 timer wake-ups a second from its neighbours'
 * CPU).
 *
 * <p>Thread-safe. Disposing it stops the sweeps; pending timeouts then never fire.
 */
public final class DeadlineSweeper implements Disposable {

  /** The default sweep interval. */
  public static final Duration DEFAULT_TICK = Duration.ofMillis(10);

  private final Environment environment;
  /** Entries watched since the last sweep: a lock-free stack linked through {@link Entry#next}. */
  private final AtomicReference<@Nullable Entry> arrived = new AtomicReference<>();
  /** Entries the sweeps watch; touched only by the sweep (each sweep schedules the next: they never overlap). */
  private @Nullable Entry watched;
  private final long tickNanos;
  /**
   * The next sweep. Each sweep schedules the next one-shot task rather than running as a periodic
   * task: cancelling a periodic task may wait for its executor's queue lock, which BlockHound
   * (rightly) reports on the Reactor thread a node stops on; Reactor's BlockHound integration
   * allows that short wait for one-shot tasks only.
   */
  private final Disposable.Swap next = Disposables.swap();
  /** 1 while a sweep is scheduled or running that will schedule the next; see {@link #watch}. */
  private volatile int armed;
  private volatile boolean disposed;

  @SuppressWarnings("rawtypes")
  private static final AtomicIntegerFieldUpdater<DeadlineSweeper> ARMED =
      AtomicIntegerFieldUpdater.newUpdater(DeadlineSweeper.class, "armed");

  /**
   * A sweeper on the environment's scheduler; it starts sweeping when the first call is watched.
   *
   * @param environment the node's scheduler and clock
   * @param tick how often to sweep while any call is watched
   */
  public DeadlineSweeper(Environment environment, Duration tick) {
    this.environment = environment;
    this.tickNanos = tick.toNanos();
  }

  private void scheduleNext() {
    // On a disposed swap, replace disposes the new task: no sweep outlives dispose().
    next.replace(environment.scheduler().schedule(this::sweepThenNext, tickNanos, TimeUnit.NANOSECONDS));
  }

  private void sweepThenNext() {
    try {
      sweep();
    } finally {
      if (!disposed) {
        if (watched != null || arrived.get() != null) {
          scheduleNext();
        } else {
          armed = 0;
          // A watch that pushed before the write above may have read armed == 1 and left: the
          // entry it pushed is seen here, or it read 0 and armed the sweeper itself (volatile
          // write, then read, on both sides). The compare-and-set lets only one of the two arm.
          if (arrived.get() != null && ARMED.compareAndSet(this, 0, 1)) {
            scheduleNext();
          }
        }
      }
    }
  }

  /**
   * The call, failing with {@code timeout.get()} (and cancelled upstream) if it has not ended
   * {@code after} its subscription.
   *
   * @param call the call
   * @param after the timeout
   * @param timeout the error to signal
   * @param <T> the value type
   * @return the guarded call
   */
  public <T> Mono<T> timeout(Mono<T> call, Duration after, Supplier<? extends Throwable> timeout) {
    return new DeadlineMono<>(call, this, after.toNanos(), timeout);
  }

  /**
   * Watches an entry until it is done or its deadline passes. Call it only once the entry may
   * expire, i.e. after its subscriber's {@code onSubscribe} has returned.
   */
  void watch(Entry entry) {
    Entry head;
    do {
      head = arrived.get();
      entry.next = head;
    } while (!arrived.compareAndSet(head, entry));
    if (armed == 0 && ARMED.compareAndSet(this, 0, 1)) { // idle until now: sweep from a tick on
      scheduleNext();
    }
  }

  /** The deadline of something that starts now and may last {@code afterNanos}. */
  long deadlineAfter(long afterNanos) {
    return environment.nanoTime() + afterNanos;
  }

  private void sweep() {
    Entry fresh = arrived.getAndSet(null);
    if (disposed) {
      watched = null;
      return;
    }
    // Move what arrived onto the watched list (its order does not matter), then walk it once.
    Entry list = watched;
    while (fresh != null) {
      Entry next = fresh.next;
      fresh.next = list;
      list = fresh;
      fresh = next;
    }
    long now = environment.nanoTime();
    Entry kept = null;
    while (list != null) {
      Entry d = list;
      list = d.next;
      if (d.isDone()) {
        d.next = null;
      } else if (now - d.deadlineNanos >= 0) {
        d.next = null;
        d.expire();
      } else {
        d.next = kept;
        kept = d;
      }
    }
    watched = kept;
  }

  /**
   * How many entries the last sweep kept: for tests on a virtual clock, where sweeps run on the
   * caller's thread; not meant to be read while a sweep may run.
   */
  int watching() {
    int n = 0;
    for (Entry e = watched; e != null; e = e.next) {
      n++;
    }
    return n;
  }

  /** Whether no sweep is scheduled: nothing has been watched since the last sweep let go. */
  boolean idle() {
    return armed == 0;
  }

  @Override
  public void dispose() {
    disposed = true;
    next.dispose();
    arrived.set(null); // the watched list is dropped by a sweep still running, if any
  }

  @Override
  public boolean isDisposed() {
    return disposed;
  }

  /**
   * What the sweeper watches: one call (or attempt) with its deadline. Whoever ends it first — its
   * terminal signal, a cancel, or {@link #expire} — wins; {@link #isDone} then holds.
   */
  abstract static class Entry {
    final long deadlineNanos;
    /** The next entry on the sweeper's stack or list: written before the entry is published. */
    @Nullable Entry next;

    Entry(long deadlineNanos) {
      this.deadlineNanos = deadlineNanos;
    }

    /** Whether it ended; the sweeper then forgets it. */
    abstract boolean isDone();

    /** Its deadline passed while it was not done; called once, on the sweeping thread. */
    abstract void expire();
  }

  /** The operator: subscribes the call and registers its deadline. */
  private static final class DeadlineMono<T> extends Mono<T> {
    private final Mono<T> source;
    private final DeadlineSweeper sweeper;
    private final long afterNanos;
    private final Supplier<? extends Throwable> timeout;

    DeadlineMono(
        Mono<T> source, DeadlineSweeper sweeper, long afterNanos, Supplier<? extends Throwable> timeout) {
      this.source = source;
      this.sweeper = sweeper;
      this.afterNanos = afterNanos;
      this.timeout = timeout;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
      source.subscribe(
          new Deadline<>(actual, sweeper, sweeper.environment.nanoTime() + afterNanos, timeout));
    }
  }

  /**
   * One call's deadline and its subscriber. Whichever comes first — the call's terminal signal,
   * the deadline, or a cancel — wins the {@code done} flag; the others do nothing.
   */
  private static final class Deadline<T> extends Entry implements CoreSubscriber<T>, Subscription {
    private static final AtomicIntegerFieldUpdater<Deadline> DONE =
        AtomicIntegerFieldUpdater.newUpdater(Deadline.class, "done");

    private final CoreSubscriber<? super T> actual;
    private final DeadlineSweeper sweeper;
    private final Supplier<? extends Throwable> timeout;
    private volatile int done;
    private volatile Subscription upstream;

    Deadline(
        CoreSubscriber<? super T> actual,
        DeadlineSweeper sweeper,
        long deadlineNanos,
        Supplier<? extends Throwable> timeout) {
      super(deadlineNanos);
      this.actual = actual;
      this.sweeper = sweeper;
      this.timeout = timeout;
    }

    @Override
    boolean isDone() {
      return done != 0;
    }

    @Override
    void expire() {
      if (DONE.compareAndSet(this, 0, 1)) {
        Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
        actual.onError(timeout.get());
      }
    }

    @Override
    public Context currentContext() {
      return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        actual.onSubscribe(this);
        // Only now may a sweep expire it: never an onError before onSubscribe has returned.
        sweeper.watch(this);
      }
    }

    @Override
    public void onNext(T t) {
      // A Mono emits at most once and completes right after: the value ends the race.
      if (DONE.compareAndSet(this, 0, 1)) {
        actual.onNext(t);
        actual.onComplete();
      } else {
        Operators.onDiscard(t, actual.currentContext());
      }
    }

    @Override
    public void onError(Throwable t) {
      if (DONE.compareAndSet(this, 0, 1)) {
        actual.onError(t);
      } else {
        Operators.onErrorDropped(t, actual.currentContext());
      }
    }

    @Override
    public void onComplete() {
      if (DONE.compareAndSet(this, 0, 1)) {
        actual.onComplete();
      }
    }

    @Override
    public void request(long n) {
      upstream.request(n);
    }

    @Override
    public void cancel() {
      if (DONE.compareAndSet(this, 0, 1)) {
        upstream.cancel();
      }
    }
  }
}
