package io.meshwork.core.resilience;

import io.meshwork.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
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
 *
 * <p>A caller subclasses it once per call, the subclass holding what its attempts need and
 * answering the settings methods from it, so the call is one object of the caller's fields only
 * ({@link CallPolicy#mono(java.util.function.Supplier, java.util.function.UnaryOperator, Duration,
 * RetryPolicy, java.util.function.Predicate, CallPolicy.Describer)} makes one of a supplier). Per subscription it makes one
 * object, the {@link Guard}, which is also the first attempt's subscriber and deadline; only a
 * retry makes an attempt object of its own.
 *
 * @param <T> the value type
 */
public abstract class GuardedCall<T> extends Mono<T> {

  /** For subclasses; the call's settings come from the methods below (no fields here). */
  protected GuardedCall() {}

  /**
   * The node's policy: clock, deadlines, scheduler for the waits.
   *
   * @return the policy
   */
  protected abstract CallPolicy policy();

  /**
   * The timeout of each attempt.
   *
   * @return the timeout, or {@code null} for none
   */
  protected abstract @Nullable Duration attemptTimeout();

  /**
   * The retry policy.
   *
   * @return the policy
   */
  protected abstract RetryPolicy retryPolicy();

  /**
   * Which failures may be retried.
   *
   * @param failure an attempt's failure
   * @return whether another attempt may follow
   */
  protected abstract boolean mayRetry(Throwable failure);

  /**
   * Applied to the value of an attempt as it arrives (also to a value that arrives too late and
   * is discarded); must not block.
   *
   * @param value the attempt's value
   * @return the call's value
   */
  protected abstract T received(T value);

  /**
   * Builds one attempt; called once per attempt, on the thread that starts it. What it throws
   * fails the attempt, as {@code Mono.defer} would.
   *
   * @return the attempt, subscribed once
   */
  protected abstract Mono<T> attempt();

  /**
   * The call, for messages; called only when one is written.
   *
   * @return a description such as {@code request to route 'echo' at member b}
   */
  protected abstract String describe();

  @Override
  public final void subscribe(CoreSubscriber<? super T> actual) {
    long start = policy().nanoTime();
    new Guard<>(this, actual, start, deadline(start)).first();
  }

  /** The deadline of an attempt starting at {@code now}, 0 without a timeout. */
  private long deadline(long now) {
    Duration t = attemptTimeout();
    return t == null ? 0 : now + t.toNanos();
  }

  /**
   * One subscription: the attempts, one after another, and the waits between them. It is also
   * its first attempt: the subscriber of the first attempt's source and that attempt's deadline.
   */
  static final class Guard<T> extends Attempt<T> implements Subscription, Runnable {
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

    Guard(GuardedCall<T> call, CoreSubscriber<? super T> actual, long start, long firstDeadline) {
      super(firstDeadline);
      this.call = call;
      this.actual = actual;
      this.start = start;
    }

    @Override
    Guard<T> guard() {
      return this;
    }

    /** Starts the first attempt: this object is its subscriber. */
    void first() {
      current = this;
      start(this);
    }

    /** Starts the next attempt (the retry timer's task). */
    @Override
    public void run() {
      if (cancelled) {
        return;
      }
      Attempt<T> a = new Retry<>(this, call.deadline(call.policy().nanoTime()));
      current = a;
      if (cancelled) { // raced with cancel(), which may have missed it
        a.cancelAttempt();
        return;
      }
      start(a);
    }

    private void start(Attempt<T> a) {
      Mono<T> source;
      try {
        source = call.attempt();
      } catch (Throwable t) { // as Mono.defer would signal it
        a.onSubscribe(Operators.emptySubscription());
        a.onError(Operators.onOperatorError(t, actual.currentContext()));
        return;
      }
      a.starting = Thread.currentThread();
      try {
        source.subscribe(a);
      } finally {
        a.starting = null;
      }
      // An attempt that ended inside subscribe (a fire-and-forget handed to the connection, a
      // cached value) never reaches the sweeper: no push, nothing to sweep.
      if (a.watchAfterStart && !a.isDone()) {
        call.policy().deadlines().watch(a);
      }
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
        a.cancelAttempt();
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
      call.policy().retried(retries, call::describe, pause, failure);
      try {
        wait = call.policy().scheduler().schedule(this, pause.toNanos(), TimeUnit.NANOSECONDS);
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
      RetryPolicy policy = call.retryPolicy();
      if (retries + 1 >= policy.maxAttempts() || !call.mayRetry(failure)) {
        return null;
      }
      Duration pause = Backoff.delay(policy, retries, call.policy().random());
      if (call.policy().nanoTime() - start + pause.toNanos() > policy.deadline().toNanos()) {
        return null;
      }
      return pause;
    }

    Context context() {
      return actual.currentContext();
    }
  }

  /**
   * One attempt's subscriber and deadline. Whichever comes first — its terminal signal, the
   * deadline, or a cancel — wins the {@code done} flag; the others do nothing.
   */
  abstract static class Attempt<T> extends DeadlineSweeper.Entry implements CoreSubscriber<T> {
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<Attempt> DONE =
        AtomicIntegerFieldUpdater.newUpdater(Attempt.class, "done");
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<Attempt> REQUESTED =
        AtomicIntegerFieldUpdater.newUpdater(Attempt.class, "requestedOnce");

    private volatile int done;
    private volatile int requestedOnce;
    private volatile @Nullable Subscription upstream;
    /** The thread in {@link Guard#start} subscribing this attempt, while it is there. */
    @Nullable Thread starting;
    /** Set by an {@code onSubscribe} inside {@link Guard#start}: start watches, if still due. */
    boolean watchAfterStart;

    Attempt(long deadlineNanos) {
      super(deadlineNanos);
    }

    /** The call's guard (the first attempt is the guard itself). */
    abstract Guard<T> guard();

    @Override
    public Context currentContext() {
      return guard().context();
    }

    @Override
    public void onSubscribe(Subscription s) {
      if (Operators.validate(upstream, s)) {
        upstream = s;
        guard().started(); // the subscriber may request or cancel in there
        if (done != 0) { // cancelled before or while it started
          s.cancel();
          return;
        }
        requestIfDue();
        GuardedCall<T> call = guard().call;
        if (call.attemptTimeout() != null) {
          // Only now may a sweep expire it. Inside start() (the usual case), start watches it
          // once subscribe returns, unless it has ended by then; another thread's plain read of
          // starting never equals that thread, so a late onSubscribe watches here.
          if (starting == Thread.currentThread()) {
            watchAfterStart = true;
          } else {
            call.policy().deadlines().watch(this);
          }
        }
      }
    }

    /** Passes the caller's demand on, once, when both the demand and the subscription exist. */
    void requestIfDue() {
      Subscription s = upstream;
      long n = guard().requested;
      if (s != null && n > 0 && REQUESTED.compareAndSet(this, 0, 1)) {
        s.request(n);
      }
    }

    @Override
    public void onNext(T t) {
      T value;
      try {
        value = guard().call.received(t);
      } catch (Throwable e) {
        Subscription s = upstream;
        if (s != null) {
          s.cancel();
        }
        onError(Operators.onOperatorError(e, guard().context()));
        return;
      }
      // A Mono emits at most once and completes right after: the value ends the attempt.
      if (DONE.compareAndSet(this, 0, 1)) {
        guard().value(value);
      } else {
        Operators.onDiscard(value, guard().context());
      }
    }

    @Override
    public void onError(Throwable t) {
      if (DONE.compareAndSet(this, 0, 1)) {
        guard().failed(t);
      } else {
        Operators.onErrorDropped(t, guard().context());
      }
    }

    @Override
    public void onComplete() {
      if (DONE.compareAndSet(this, 0, 1)) {
        guard().complete();
      }
    }

    /** Cancels this attempt (not the call: that is {@link Guard#cancel}). */
    final void cancelAttempt() {
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
        Duration timeout = guard().call.attemptTimeout();
        Guard<T> g = guard();
        g.failed(CallPolicy.timedOut(g.call::describe, timeout == null ? Duration.ZERO : timeout));
      }
    }
  }

  /** An attempt after the first: a subscriber and deadline of its own. */
  static final class Retry<T> extends Attempt<T> {
    private final Guard<T> guard;

    Retry(Guard<T> guard, long deadlineNanos) {
      super(deadlineNanos);
      this.guard = guard;
    }

    @Override
    Guard<T> guard() {
      return guard;
    }
  }
}
