package io.meshwork.core.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.meshwork.CircuitBreakerOptions;
import io.meshwork.Environment;
import io.meshwork.NodeId;
import io.meshwork.error.CallTimeoutException;
import io.meshwork.error.CircuitOpenException;
import io.meshwork.error.ConnectionClosedException;
import io.meshwork.error.UnreachableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One Resilience4j circuit breaker per member, for the calls the load balancer routes.
 *
 * <p>Per member, not per (member, route): what a breaker counts — a refused connection, a closed
 * connection, a timeout — is about the member and the link to it, not about a route, and one
 * breaker per member opens after one window of failures instead of one window per route. A
 * remote handler's own error (the member is up and answered) does not count, nor does a refusal
 * for overload ({@code RejectedException}: the load balancer steers around busy members).
 *
 * <p>An open breaker fails calls at once with {@link CircuitOpenException}, and {@link
 * #available} tells the load balancer to skip the member. Once the open period has passed, the
 * next call finds the breaker half-open and a few probe calls decide: back to closed, or open
 * again. Transitions are logged and reported. Time is the node's {@link Environment} clock, so a
 * simulation drives the open period on virtual time. Thread-safe.
 *
 * <pre>{@code
 * Breakers breakers = new Breakers(Breakers.defaults(), env, (member, from, to) -> log(...));
 * Mono<Message> guarded = breakers.guard(member, call, Duration.ofSeconds(30));
 * }</pre>
 */
public final class Breakers {

  private static final Logger log = LoggerFactory.getLogger(Breakers.class);

  /** Told of every state change. */
  @FunctionalInterface
  public interface Transitions {
    /**
     * A member's breaker changed state.
     *
     * @param member the member
     * @param from the state it left
     * @param to the state it entered
     */
    void changed(NodeId member, CircuitBreaker.State from, CircuitBreaker.State to);
  }

  /** The failures a breaker counts: the member did not answer. */
  static final Predicate<Throwable> TRANSPORT_FAILURE =
      e -> e instanceof UnreachableException
          || e instanceof ConnectionClosedException
          || e instanceof CallTimeoutException;

  private final CircuitBreakerConfig config;
  private final Environment env;
  private final Transitions transitions;
  private final Map<NodeId, CircuitBreaker> breakers = new ConcurrentHashMap<>();
  private final Map<NodeId, Long> openedAt = new ConcurrentHashMap<>();

  /**
   * Resilience4j settings from a node's options: a count-based window, and no slow-call rule
   * (a long call is not a failure; only transport failures and timeouts count).
   *
   * @param options the node's breaker options
   * @return a builder with them, to adjust
   */
  public static CircuitBreakerConfig.Builder settings(CircuitBreakerOptions options) {
    return CircuitBreakerConfig.custom()
        .slidingWindow(
            options.window(), options.minimumCalls(), CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .failureRateThreshold(options.failureRatePercent())
        .waitDurationInOpenState(options.openDuration())
        .permittedNumberOfCallsInHalfOpenState(options.halfOpenCalls())
        .slowCallRateThreshold(100)
        .slowCallDurationThreshold(Duration.ofDays(365));
  }

  /**
   * The defaults ({@link CircuitBreakerOptions#defaults()}).
   *
   * @return a builder with them, to adjust
   */
  public static CircuitBreakerConfig.Builder defaults() {
    return settings(CircuitBreakerOptions.defaults());
  }

  /**
   * @param settings the breaker settings; what counts as a failure and the clock are set here
   * @param env the node's clock
   * @param transitions told of every state change
   */
  public Breakers(CircuitBreakerConfig.Builder settings, Environment env, Transitions transitions) {
    this.env = env;
    this.transitions = transitions;
    this.config =
        settings
            .recordException(TRANSPORT_FAILURE)
            .automaticTransitionFromOpenToHalfOpenEnabled(false) // no timer thread of its own
            .clock(new EnvironmentClock(env))
            .build();
  }

  /**
   * Forgets a member that left or died.
   *
   * @param member the member
   */
  public void forget(NodeId member) {
    breakers.remove(member);
    openedAt.remove(member);
  }

  private CircuitBreaker breaker(NodeId member) {
    CircuitBreaker cb = breakers.get(member);
    return cb != null ? cb : breakers.computeIfAbsent(member, this::create);
  }

  private CircuitBreaker create(NodeId member) {
    CircuitBreaker cb = CircuitBreaker.of("member-" + member.value(), config);
    cb.getEventPublisher()
        .onStateTransition(
            e -> {
              CircuitBreaker.State from = e.getStateTransition().getFromState();
              CircuitBreaker.State to = e.getStateTransition().getToState();
              if (to == CircuitBreaker.State.OPEN) {
                openedAt.put(member, env.nanoTime());
              }
              log.info("Circuit breaker of member {}: {} -> {}", member, from, to);
              transitions.changed(member, from, to);
            });
    return cb;
  }

  /**
   * Whether the load balancer may send to a member: its breaker is closed; or open with its open
   * period over (the next call will probe it); or half-open with probe permits left, judged by
   * the calls in flight to it.
   *
   * @param member the member
   * @param inFlight calls in flight to it now
   * @return whether to consider it
   */
  public boolean available(NodeId member, int inFlight) {
    CircuitBreaker cb = breakers.get(member);
    if (cb == null) {
      return true;
    }
    switch (cb.getState()) {
      case OPEN:
        Long since = openedAt.get(member);
        return since == null
            || env.nanoTime() - since // strictly after, as Resilience4j's own check is
                > TimeUnit.MILLISECONDS.toNanos(
                    config.getWaitIntervalFunctionInOpenState().apply(1));
      case HALF_OPEN:
        return inFlight < config.getPermittedNumberOfCallsInHalfOpenState();
      default:
        return true;
    }
  }

  /**
   * A member's breaker state, for tests and diagnostics.
   *
   * @param member the member
   * @return its state (CLOSED for a member never called)
   */
  public CircuitBreaker.State state(NodeId member) {
    CircuitBreaker cb = breakers.get(member);
    return cb == null ? CircuitBreaker.State.CLOSED : cb.getState();
  }

  /**
   * One attempt at a member, through its breaker.
   *
   * @param member the member
   * @param attempt the attempt
   * @param timeout the attempt's timeout: a cancellation at or after it is the timeout's (it
   *     counts as a failure), an earlier one the caller's (it does not count)
   * @param <T> the reply type
   * @return the guarded attempt
   */
  public <T> Mono<T> guard(NodeId member, Mono<T> attempt, @Nullable Duration timeout) {
    return Mono.defer(
        () -> {
          CircuitBreaker cb = breaker(member);
          if (!cb.tryAcquirePermission()) {
            return Mono.error(open(member));
          }
          long start = env.nanoTime();
          return attempt
              .doOnSuccess(v -> cb.onSuccess(env.nanoTime() - start, TimeUnit.NANOSECONDS))
              .doOnError(e -> cb.onError(env.nanoTime() - start, TimeUnit.NANOSECONDS, e))
              .doOnCancel(() -> cancelled(cb, member, start, timeout));
        });
  }

  /**
   * A stream or channel to a member, through its breaker.
   *
   * @param member the member
   * @param attempt the attempt
   * @param timeout the timeout for the first element: a cancellation before any element, at or
   *     after it, counts as a failure
   * @param <T> the element type
   * @return the guarded attempt
   */
  public <T> Flux<T> guard(NodeId member, Flux<T> attempt, @Nullable Duration timeout) {
    return Flux.defer(
        () -> {
          CircuitBreaker cb = breaker(member);
          if (!cb.tryAcquirePermission()) {
            return Flux.error(open(member));
          }
          long start = env.nanoTime();
          AtomicBoolean settled = new AtomicBoolean();
          // A stream's verdict is its first element (the member answered), or how it ends
          // before one; what happens after, a cancel included, says nothing about the link.
          return attempt
              .doOnNext(
                  v -> {
                    if (settled.compareAndSet(false, true)) {
                      cb.onSuccess(env.nanoTime() - start, TimeUnit.NANOSECONDS);
                    }
                  })
              .doOnComplete(
                  () -> {
                    if (settled.compareAndSet(false, true)) {
                      cb.onSuccess(env.nanoTime() - start, TimeUnit.NANOSECONDS);
                    }
                  })
              .doOnError(
                  e -> {
                    if (settled.compareAndSet(false, true)) {
                      cb.onError(env.nanoTime() - start, TimeUnit.NANOSECONDS, e);
                    }
                  })
              .doOnCancel(
                  () -> {
                    if (settled.compareAndSet(false, true)) {
                      cancelled(cb, member, start, timeout);
                    }
                  });
        });
  }

  private void cancelled(
      CircuitBreaker cb, NodeId member, long start, @Nullable Duration timeout) {
    long elapsed = env.nanoTime() - start;
    if (timeout != null && elapsed >= timeout.toNanos()) {
      cb.onError(
          elapsed,
          TimeUnit.NANOSECONDS,
          new CallTimeoutException("member " + member + " did not answer within " + timeout));
    } else {
      cb.releasePermission();
    }
  }

  private static CircuitOpenException open(NodeId member) {
    return new CircuitOpenException(
        "The circuit breaker of member " + member
            + " is open: its recent calls failed at the transport; not calling it for now");
  }

  /** The node's clock as a {@link Clock}: only differences matter to a breaker. */
  private static final class EnvironmentClock extends Clock {
    private final Environment env;

    EnvironmentClock(Environment env) {
      this.env = env;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(0, env.nanoTime());
    }
  }
}
