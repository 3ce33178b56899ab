package io.meshwork.core.resilience;

import io.meshwork.CallOptions;
import io.meshwork.Environment;
import io.meshwork.NodeId;
import io.meshwork.RetryPolicy;
import io.meshwork.error.CallTimeoutException;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

/**
 * Applies a call's {@link CallOptions}: a timeout per attempt (swept by a {@link DeadlineSweeper}
 * on the node's scheduler, at most one 10 ms tick late), and
 * retries built on Reactor's {@link Retry} with waits from {@link Backoff} (jitter drawn from the
 * node's random source, not {@code ThreadLocalRandom} as {@code RetryBackoffSpec} would). What
 * may be retried is decided by {@link RetryRules}. With one attempt and no timeout it adds no
 * operator at all.
 *
 * <p>Thread-safe; one per node.
 */
public final class CallPolicy {

  private static final Logger log = LoggerFactory.getLogger(CallPolicy.class);

  private final NodeId self;
  private final Environment environment;
  private final Runnable onRetry;
  private final DeadlineSweeper deadlines;

  /**
   * Creates the policy of one node.
   *
   * @param self the node, for log lines
   * @param environment where timers run and jitter is drawn
   * @param onRetry called once per retry (metrics); must not block
   */
  public CallPolicy(NodeId self, Environment environment, Runnable onRetry) {
    this.self = self;
    this.environment = environment;
    this.onRetry = onRetry;
    this.deadlines = new DeadlineSweeper(environment, DeadlineSweeper.DEFAULT_TICK);
  }

  /** Stops the deadline sweeps; called when the node shuts down. */
  public void dispose() {
    deadlines.dispose();
  }

  /**
   * Request-response or fire-and-forget.
   *
   * @param attempt one attempt; subscribed once per attempt
   * @param options the call's options
   * @param mayRetry which failures may be retried
   * @param what the call, for messages ({@code "request to route 'echo' at member b"})
   * @param <T> the element type
   * @return the guarded call
   */
  public <T> Mono<T> mono(
      Mono<T> attempt, CallOptions options, Predicate<Throwable> mayRetry, Describer what) {
    if (options.timeout() == null && options.retry().maxAttempts() == 1) {
      return attempt;
    }
    return new SuppliedCall<>(
        this, () -> attempt, UnaryOperator.identity(), options.timeout(), options.retry(), mayRetry,
        what);
  }

  /**
   * Request-response or fire-and-forget, built per attempt: one operator for the whole call (see
   * {@link GuardedCall}), with no {@code defer} or {@code map} around it. A caller on a hot path
   * subclasses {@link GuardedCall} instead, saving the supplier and describer objects.
   *
   * @param attempt builds one attempt; called once per attempt, on the thread that starts it
   * @param received applied to the value of an attempt as it arrives (also to a value that
   *     arrives too late and is discarded); must not block
   * @param timeout the timeout of each attempt, or {@code null} for none
   * @param retry the retry policy
   * @param mayRetry which failures may be retried
   * @param what the call, for messages
   * @param <T> the element type
   * @return the guarded call
   */
  public <T> Mono<T> mono(
      Supplier<? extends Mono<T>> attempt,
      UnaryOperator<T> received,
      @Nullable Duration timeout,
      RetryPolicy retry,
      Predicate<Throwable> mayRetry,
      Describer what) {
    return new SuppliedCall<>(this, attempt, received, timeout, retry, mayRetry, what);
  }

  /** A {@link GuardedCall} whose attempts come from a supplier. */
  private static final class SuppliedCall<T> extends GuardedCall<T> {
    private final CallPolicy policy;
    private final Supplier<? extends Mono<T>> attempt;
    private final UnaryOperator<T> received;
    private final @Nullable Duration timeout;
    private final RetryPolicy retry;
    private final Predicate<Throwable> mayRetry;
    private final Describer what;

    SuppliedCall(
        CallPolicy policy,
        Supplier<? extends Mono<T>> attempt,
        UnaryOperator<T> received,
        @Nullable Duration timeout,
        RetryPolicy retry,
        Predicate<Throwable> mayRetry,
        Describer what) {
      this.policy = policy;
      this.attempt = attempt;
      this.received = received;
      this.timeout = timeout;
      this.retry = retry;
      this.mayRetry = mayRetry;
      this.what = what;
    }

    @Override
    protected CallPolicy policy() {
      return policy;
    }

    @Override
    protected @Nullable Duration attemptTimeout() {
      return timeout;
    }

    @Override
    protected RetryPolicy retryPolicy() {
      return retry;
    }

    @Override
    protected boolean mayRetry(Throwable failure) {
      return mayRetry.test(failure);
    }

    @Override
    protected T received(T value) {
      return received.apply(value);
    }

    @Override
    protected Mono<T> attempt() {
      return attempt.get();
    }

    @Override
    protected String describe() {
      return what.describe();
    }
  }

  /**
   * Request-stream or request-channel: the timeout bounds the wait for the first element, and
   * failures are retried only before it (a retry would otherwise deliver elements twice).
   *
   * @param attempt one attempt; subscribed once per attempt
   * @param options the call's options
   * @param mayRetry which failures before the first element may be retried
   * @param what the call, for messages
   * @param <T> the element type
   * @return the guarded call
   */
  public <T> Flux<T> flux(
      Flux<T> attempt, CallOptions options, Predicate<Throwable> mayRetry, Describer what) {
    Duration timeout = options.timeout();
    Flux<T> guarded =
        timeout == null
            ? attempt
            : attempt.timeout(
                Mono.delay(timeout, environment.scheduler()),
                element -> Mono.never(),
                Flux.error(() -> timedOut(what, timeout)));
    RetryPolicy policy = options.retry();
    if (policy.maxAttempts() == 1) {
      return guarded;
    }
    return Flux.defer(
        () -> {
          long start = environment.nanoTime();
          boolean[] delivered = new boolean[1];
          Predicate<Throwable> beforeFirst = e -> !delivered[0] && mayRetry.test(e);
          Flux<T> tracked = guarded.doOnNext(x -> delivered[0] = true);
          return tracked.onErrorResume(
              first -> {
                Mono<Long> wait = firstWait(policy, first, beforeFirst, start, what);
                return wait == null
                    ? Flux.error(first)
                    : wait.thenMany(tracked.retryWhen(retry(policy, beforeFirst, what, start)));
              });
        });
  }

  long nanoTime() {
    return environment.nanoTime();
  }

  Scheduler scheduler() {
    return environment.scheduler();
  }

  RandomGenerator random() {
    return environment.random();
  }

  DeadlineSweeper deadlines() {
    return deadlines;
  }

  /** The wait before the second attempt, or {@code null} if the first failure is final. */
  private @Nullable Mono<Long> firstWait(
      RetryPolicy policy, Throwable failure, Predicate<Throwable> mayRetry, long start, Describer what) {
    if (!mayRetry.test(failure)) {
      return null;
    }
    Duration wait = Backoff.delay(policy, 0, environment.random());
    if (environment.nanoTime() - start + wait.toNanos() > policy.deadline().toNanos()) {
      return null;
    }
    retried(1, what, wait, failure);
    return Mono.delay(wait, environment.scheduler());
  }

  /** Retries after the second attempt: retry number {@code totalRetries + 1} onwards. */
  private Retry retry(RetryPolicy policy, Predicate<Throwable> mayRetry, Describer what, long start) {
    long deadline = policy.deadline().toNanos();
    return Retry.from(
        signals ->
            signals.concatMap(
                signal -> {
                  Throwable failure = signal.failure();
                  long retry = signal.totalRetries() + 1; // the first retry came before
                  if (!mayRetry.test(failure) || retry + 1 >= policy.maxAttempts()) {
                    return Mono.error(failure);
                  }
                  Duration wait = Backoff.delay(policy, retry, environment.random());
                  if (environment.nanoTime() - start + wait.toNanos() > deadline) {
                    return Mono.error(failure);
                  }
                  retried(retry + 1, what, wait, failure);
                  return Mono.delay(wait, environment.scheduler());
                }));
  }

  void retried(long number, Describer what, Duration wait, Throwable failure) {
    onRetry.run();
    if (log.isDebugEnabled()) {
      log.debug(
          "Node {}: retry {} of the {} in {} ms after {}",
          self,
          number,
          what.describe(),
          wait.toMillis(),
          failure.toString());
    }
  }

  static CallTimeoutException timedOut(Describer what, Duration timeout) {
    return new CallTimeoutException(
        "No answer to the " + what.describe() + " within " + timeout.toMillis() + " ms");
  }

  /** Builds a call's description only when a message needs it. */
  @FunctionalInterface
  public interface Describer {
    /**
     * The call, for messages.
     *
     * @return a description such as {@code request to route 'echo' at member b}
     */
    String describe();
  }
}
