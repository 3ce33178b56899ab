package io.meshwork.benchmarks;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

/**
 * The one harness every throughput benchmark uses, whatever the system: it issues {@code calls}
 * calls keeping exactly {@code inFlight} of them outstanding — each completion issues the next call
 * on the thread that completed it (an event loop, for the systems measured), with no thread hop and
 * no operator between the harness and the call. Issuing is trampolined, so calls that complete
 * synchronously (fire-and-forget) do not recurse.
 *
 * <p>Why not {@code Flux.range(0, n).flatMap(i -> call(), inFlight, 1)}: flatMap's drain loop and
 * inner subscribers are harness cost that every system pays alike, which pulls every ratio towards
 * 1 (BENCHMARKING.md measured a flatMap window 30–40 % slower than an exact one on raw RSocket).
 */
public final class Window {

  private Window() {}

  /**
   * Runs a batch and waits for it, at most {@link Wire#TIMEOUT}.
   *
   * @param call makes one call; subscribed once
   * @param calls how many calls in all
   * @param inFlight how many outstanding at once
   * @return the sum of the numbers the calls emitted
   * @throws IllegalStateException if a call fails or the batch does not finish in time
   */
  public static long run(Supplier<? extends Publisher<?>> call, int calls, int inFlight) {
    return run(call, calls, inFlight, Wire.TIMEOUT);
  }

  /**
   * Runs a batch and waits for it.
   *
   * @param call makes one call; subscribed once
   * @param calls how many calls in all
   * @param inFlight how many outstanding at once
   * @param timeout the longest the batch may take
   * @return the sum of the numbers the calls emitted
   * @throws IllegalStateException if a call fails or the batch does not finish in time
   */
  public static long run(
      Supplier<? extends Publisher<?>> call, int calls, int inFlight, Duration timeout) {
    if (calls < 1 || inFlight < 1) {
      throw new IllegalArgumentException("calls and inFlight must be at least 1");
    }
    Batch batch = new Batch(call, calls);
    batch.issue(Math.min(inFlight, calls));
    return batch.await(timeout);
  }

  private static final class Batch {
    private final Supplier<? extends Publisher<?>> call;
    private final int calls;
    /** Calls waiting to be issued; whoever raises it from 0 issues them (the trampoline). */
    private final AtomicInteger wip = new AtomicInteger();
    /** Touched only by the thread holding the trampoline. */
    private int issued;

    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicLong sum = new AtomicLong();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile @Nullable Throwable failure;

    Batch(Supplier<? extends Publisher<?>> call, int calls) {
      this.call = call;
      this.calls = calls;
    }

    void issue(int n) {
      if (wip.getAndAdd(n) != 0) {
        return;
      }
      int missed = n;
      // Each pass issues at most `missed` calls and the total is capped at `calls`: bounded.
      while (missed != 0) {
        for (int i = 0; i < missed && issued < calls; i++) {
          issued++;
          try {
            call.get().subscribe(new One(this));
          } catch (Throwable t) {
            fail(t);
            return;
          }
        }
        missed = wip.addAndGet(-missed);
      }
    }

    void complete(long value) {
      sum.addAndGet(value);
      if (finished.incrementAndGet() == calls) {
        done.countDown();
      } else {
        issue(1);
      }
    }

    void fail(Throwable t) {
      failure = t;
      done.countDown();
    }

    long await(Duration timeout) {
      try {
        if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
          throw new IllegalStateException(
              "Batch timed out after "
                  + timeout
                  + ": "
                  + finished.get()
                  + " of "
                  + calls
                  + " calls finished");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted", e);
      }
      Throwable t = failure;
      if (t != null) {
        throw new IllegalStateException("A call failed: " + t, t);
      }
      return sum.get();
    }
  }

  /** One call's subscriber: unbounded demand, adds what it sees, reports its end. */
  private static final class One implements CoreSubscriber<Object> {
    private final Batch batch;
    private long value;

    One(Batch batch) {
      this.batch = batch;
    }

    @Override
    public void onSubscribe(Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Object v) {
      if (v instanceof Number) {
        value += ((Number) v).longValue();
      }
    }

    @Override
    public void onError(Throwable t) {
      batch.fail(t);
    }

    @Override
    public void onComplete() {
      batch.complete(value);
    }
  }
}
