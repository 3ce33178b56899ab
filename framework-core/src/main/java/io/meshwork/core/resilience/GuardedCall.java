package io.meshwork.core.resilience;

import io.meshwork.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * One single-valued call under its {@code CallOptions}, in one operator: builds an attempt per
 * try, applies {@code received} to the value, bounds each attempt by a deadline that the node's
 * {@link DeadlineSweeper} watches, and on a failure that may be retried waits as {@link Backoff}
 * says, on the node's scheduler, before the next attempt. It replaces {@code defer}, {@code map},
 * the sweeper's timeout operator and {@code onErrorResume} (plus {@code retryWhen} after a first
 * failure): each of those was an object and a subscriber per call.
 *
 * <p>Semantics are those of that chain. The subscriber's {@code onSubscribe} comes when the first
 * attempt has its subscription; demand is passed to each attempt as it starts; a value ends the call (completing it), a failure is
 * retried only if {@code mayRetry} allows it, the policy has attempts left and the wait would end
 * before the policy's deadline, counted from subscription; otherwise the failure is signalled as
 * is. A timed-out attempt is cancelled and fails with the policy's timeout error, which may be
 * retried like any other failure. Cancelling cancels the running attempt or the pending wait.
 */
final class GuardedCall<T> extends Mono<T> {

  private final CallPolicy policy;
  private final Supplier<? extends Mono<T>> attempt;
  private final UnaryOperator<T> received;
  private final @Nullable Duration timeout;
  private final RetryPolicy retry;
  private final Predicate<Throwable> mayRetry;
  private final CallPolicy.Describer what;

  GuardedCall(
      CallPolicy policy,
      Supplier<? extends Mono<T>> attempt,
      UnaryOperator<T> received,
      @Nullable Duration timeout,
      RetryPolicy retry,
      Predicate<Throwable> mayRetry,
      CallPolicy.Describer what) {
    this.policy = policy;
    this.attempt = attempt;
    this.received = received;
    this.timeout = timeout;
    this.retry = retry;
    this.mayRetry = mayRetry;
    this.what = what;
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    new Guard<>(this, actual).next();
  }

  /** One subscription: the attempts, one after another, and the waits between them. */
  static final class Guard<T> implements Subscription, Runnable {
    private final GuardedCall<T> call;
    private final CoreSubscriber<? super T> actual;
    private final long start;
    /** Retries so far; touched by one attempt's end at a time. */
    private int retries;
    /** Whether the subscriber has had its {@code onSubscribe}; set by the first attempt. */
    private boolean announced;

    private volatile long requested;
    private volatile boolean cancelled;
    private volatile @Nullable Attempt<T> current;
    private volatile @Nullable Disposable wait;

    Guard(GuardedCall<T> call, CoreSubscriber<? super T> actual) {
      this.call = call;
      this.actual = actual;
      this.start = call.policy.nanoTime();
    }

    /** Starts the next attempt (also the retry timer's task). */
    @Override
    public void run() {
      next();
    }

    void next() {
      if (cancelled) {
        return;
      }
      Duration timeout = call.timeout;
      Attempt<T> a =
          new Attempt<>(
              this, timeout == null ? 0 : call.policy.deadlines().deadlineAfter(timeout.toNanos()));
      current = a;
      if (cancelled) { // raced with cancel(), which may have missed it
        a.cancel();
        return;
      }
      Mono<T> source;
      try {
        source = call.attempt.get();
      } catch (Throwable t) { // as Mono.defer would signal it
        a.onSubscribe(Operators.emptySubscription());
        a.onError(Operators.onOperatorError(t, actual.currentContext()));
        return;
      }
      source.subscribe(a);
    }

    @Override
    public void request(long n) {
      if (Operators.validate(n)) {
        if (requested == 0) {
          requested = n;
        }
        Attempt<T> a = current;
        if (a != null) {
          a.requestIfDue();
        }
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      Attempt<T> a = current;
      if (a != null) {
        a.cancel();
      }
      Disposable w = wait;
      if (w != null) {
        w.dispose();
      }
    }

    /** An attempt has its subscription: the first one passes the guard on to the subscriber. */
    void started() {
      if (!announced) {
        announced = true;
        actual.onSubscribe(this);
      }
    }

    void value(T value) {
      actual.onNext(value);
      actual.onComplete();
    }

    void complete() {
      actual.onComplete();
    }

    /** An attempt failed: retry it after a wait, or pass the failure on. */
    void failed(Throwable failure) {
      if (cancelled) {
        Operators.onErrorDropped(failure, actual.currentContext());
        return;
      }
      Duration pause = pauseBefore(failure);
      if (pause == null) {
        actual.onError(failure);
        return;
      }
      retries++;
      call.policy.retried(retries, call.what, pause, failure);
      try {
        wait = call.policy.scheduler().schedule(this, pause.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        actual.onError(Operators.onRejectedExecution(e, actual.currentContext()));
        return;
      }
      if (cancelled) { // cancel() may have read the previous wait
        Disposable w = wait;
        if (w != null) {
          w.dispose();
        }
      }
    }

    /** The wait before the next attempt, or {@code null} if this failure is final. */
    private @Nullable Duration pauseBefore(Throwable failure) {
      RetryPolicy policy = call.retry;
      if (retries + 1 >= policy.maxAttempts() || !call.mayRetry.test(failure)) {
        return null;
      }
      Duration pause = Backoff.delay(policy, retries, call.policy.random());
      if (call.policy.nanoTime() - start + pause.toNanos() > policy.deadline().toNanos()) {
        return null;
      }
      return pause;
    }

    Context currentContext() {
      return actual.currentContext();
    }
  }

  /**
   * One attempt's subscriber and deadline. Whichever comes first — its terminal signal, the
   * deadline, or a cancel — wins the {@code done} flag; the others do nothing.
   */
  static final class Attempt<T> extends DeadlineSweeper.Entry implements CoreSubscriber<T> {
    private static final AtomicIntegerFieldUpdater<Attempt> DONE =
        AtomicIntegerFieldUpdater.newUpdater(Attempt.class, "done");
    private static final AtomicIntegerFieldUpdater<Attempt> REQUESTED =
        AtomicIntegerFieldUpdater.newUpdater(Attempt.class, "requestedOnce");

    private final Guard<T> guard;
    private volatile int done;
    private volatile int requestedOnce;
    private volatile @Nullable Subscription upstream;

    Attempt(Guard<T> guard, long deadlineNanos) {
      super(deadlineNanos);
      this.guard = guard;
    }

    @Override
    public Context currentContext() {
      return guard.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        guard.started(); // the subscriber may request or cancel in there
        if (done != 0) { // cancelled before or while it started
          s.cancel();
          return;
        }
        requestIfDue();
        if (guard.call.timeout != null) {
          guard.call.policy.deadlines().watch(this); // only now may a sweep expire it
        }
      }
    }

    /** Passes the caller's demand on, once, when both the demand and the subscription exist. */
    void requestIfDue() {
      Subscription s = upstream;
      long n = guard.requested;
      if (s != null && n > 0 && REQUESTED.compareAndSet(this, 0, 1)) {
        s.request(n);
      }
    }

    @Override
    public void onNext(T t) {
      T value;
      try {
        value = guard.call.received.apply(t);
      } catch (Throwable e) {
        Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
        onError(Operators.onOperatorError(e, guard.currentContext()));
        return;
      }
      // A Mono emits at most once and completes right after: the value ends the attempt.
      if (DONE.compareAndSet(this, 0, 1)) {
        guard.value(value);
      } else {
        Operators.onDiscard(value, guard.currentContext());
      }
    }

    @Override
    public void onError(Throwable t) {
      if (DONE.compareAndSet(this, 0, 1)) {
        guard.failed(t);
      } else {
        Operators.onErrorDropped(t, guard.currentContext());
      }
    }

    @Override
    public void onComplete() {
      if (DONE.compareAndSet(this, 0, 1)) {
        guard.complete();
      }
    }

    void cancel() {
      if (DONE.compareAndSet(this, 0, 1)) {
        Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
      }
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
        Duration timeout = guard.call.timeout;
        guard.failed(CallPolicy.timedOut(guard.call.what, timeout == null ? Duration.ZERO : timeout));
      }
    }
  }
}
