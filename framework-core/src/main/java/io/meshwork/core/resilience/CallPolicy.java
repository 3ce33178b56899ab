package io.meshwork.core.resilience;

import io.meshwork.CallOptions;
import io.meshwork.Environment;
import io.meshwork.NodeId;
import io.meshwork.RetryPolicy;
import io.meshwork.error.CallTimeoutException;
import java.time.Duration;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Applies a call's {@link CallOptions}: a timeout per attempt on the node's scheduler, and
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
    Duration timeout = options.timeout();
    Mono<T> guarded =
        timeout == null
            ? attempt
            : attempt.timeout(
                timeout,
                Mono.error(() -> timedOut(what, timeout)),
                environment.scheduler());
    Retry retry = retry(options.retry(), mayRetry, what);
    return retry == null ? guarded : guarded.retryWhen(retry);
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
    if (options.retry().maxAttempts() == 1) {
      return guarded;
    }
    return Flux.defer(
        () -> {
          boolean[] delivered = new boolean[1];
          Retry retry =
              retry(options.retry(), e -> !delivered[0] && mayRetry.test(e), what);
          return guarded.doOnNext(x -> delivered[0] = true).retryWhen(retry);
        });
  }

  private @Nullable Retry retry(RetryPolicy policy, Predicate<Throwable> mayRetry, Describer what) {
    if (policy.maxAttempts() == 1) {
      return null;
    }
    long deadline = policy.deadline().toNanos();
    return Retry.from(
        signals -> {
          long start = environment.nanoTime(); // once per subscription of the call
          return signals.concatMap(
              signal -> {
                Throwable failure = signal.failure();
                long retry = signal.totalRetries();
                if (!mayRetry.test(failure) || retry + 1 >= policy.maxAttempts()) {
                  return Mono.error(failure);
                }
                Duration wait = Backoff.delay(policy, retry, environment.random());
                if (environment.nanoTime() - start + wait.toNanos() > deadline) {
                  return Mono.error(failure);
                }
                onRetry.run();
                if (log.isDebugEnabled()) {
                  log.debug(
                      "Node {}: retry {} of {} in {} ms after {}",
                      self,
                      retry + 1,
                      what.describe(),
                      wait.toMillis(),
                      failure.toString());
                }
                return Mono.delay(wait, environment.scheduler());
              });
        });
  }

  private static CallTimeoutException timedOut(Describer what, Duration timeout) {
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
