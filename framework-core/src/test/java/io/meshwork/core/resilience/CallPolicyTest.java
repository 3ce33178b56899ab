package io.meshwork.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.CallOptions;
import io.meshwork.Environment;
import io.meshwork.NodeId;
import io.meshwork.RetryPolicy;
import io.meshwork.error.CallTimeoutException;
import io.meshwork.error.ConnectionClosedException;
import io.meshwork.error.HandlerException;
import io.meshwork.error.RejectedException;
import io.meshwork.error.UnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

@DisplayName("CallPolicy: timeouts and retries on the node's own (here virtual) clock")
class CallPolicyTest {

  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final AtomicInteger retriesCounted = new AtomicInteger();

  private CallPolicy policy(long seed) {
    return new CallPolicy(
        NodeId.of("n"),
        Environment.of(clock, new SplittableRandom(seed)),
        retriesCounted::incrementAndGet);
  }

  /** An attempt that records when it was subscribed and fails with the next error given. */
  private Mono<String> attempts(List<Long> at, Supplier<Throwable> failure, int failures) {
    return Mono.defer(
        () -> {
          at.add(clock.now(TimeUnit.MILLISECONDS));
          return at.size() <= failures ? Mono.error(failure.get()) : Mono.just("ok");
        });
  }

  private static CallOptions exact(int attempts) {
    return CallOptions.defaults()
        .timeout(null)
        .retry(RetryPolicy.backoff(attempts, Duration.ofMillis(100)).jitter(0));
  }

  @Nested
  @DisplayName("the backoff schedule")
  class Schedule {

    @Test
    @DisplayName("without jitter, retries come at exactly 100, 200, 400 ms intervals")
    void exactSchedule() {
      List<Long> at = new ArrayList<>();
      Mono<String> call =
          policy(1).mono(attempts(at, () -> new UnreachableException("down", null), 3), exact(5),
              e -> RetryRules.mayRetry(e, false), () -> "test");
      StepVerifier.create(call)
          .then(() -> clock.advanceTimeBy(Duration.ofSeconds(10)))
          .expectNext("ok")
          .verifyComplete();
      assertThat(at).containsExactly(0L, 100L, 300L, 700L);
      assertThat(retriesCounted).hasValue(3);
    }

    @Test
    @DisplayName("the cap holds: waits never exceed maxBackoff")
    void capped() {
      List<Long> at = new ArrayList<>();
      CallOptions options =
          CallOptions.defaults()
              .timeout(null)
              .retry(
                  RetryPolicy.backoff(6, Duration.ofMillis(100))
                      .maxBackoff(Duration.ofMillis(250))
                      .jitter(0));
      StepVerifier.create(
              policy(1).mono(attempts(at, () -> new RejectedException("busy"), 5), options,
                  e -> RetryRules.mayRetry(e, false), () -> "test"))
          .then(() -> clock.advanceTimeBy(Duration.ofSeconds(10)))
          .expectNext("ok")
          .verifyComplete();
      assertThat(at).containsExactly(0L, 100L, 300L, 550L, 800L, 1050L);
    }

    @Test
    @DisplayName("with jitter, one seed replays the same schedule and another seed differs")
    void seededJitterReplays() {
      List<Long> first = run(42);
      List<Long> again = run(42);
      List<Long> other = run(7);
      assertThat(first).isEqualTo(again).isNotEqualTo(other);
      // each wait within ±50 % of 100, 200, 400 ms
      long[] bases = {100, 200, 400};
      for (int i = 0; i < bases.length; i++) {
        assertThat(first.get(i + 1) - first.get(i)).isBetween(bases[i] / 2, bases[i] * 3 / 2);
      }
    }

    private List<Long> run(long seed) {
      VirtualTimeScheduler own = VirtualTimeScheduler.create();
      CallPolicy p = new CallPolicy(NodeId.of("n"), Environment.of(own, new SplittableRandom(seed)), () -> {});
      List<Long> at = new ArrayList<>();
      Mono<String> call =
          Mono.defer(
              () -> {
                at.add(own.now(TimeUnit.MILLISECONDS));
                return at.size() <= 3 ? Mono.error(new UnreachableException("down", null)) : Mono.just("ok");
              });
      StepVerifier.create(
              p.mono(call, CallOptions.defaults().timeout(null).retry(RetryPolicy.backoff(4, Duration.ofMillis(100))),
                  e -> RetryRules.mayRetry(e, false), () -> "test"))
          .then(() -> own.advanceTimeBy(Duration.ofSeconds(10)))
          .expectNext("ok")
          .verifyComplete();
      return at;
    }

    @Test
    @DisplayName("the deadline stops retries whose wait would end past it")
    void deadline() {
      List<Long> at = new ArrayList<>();
      CallOptions options =
          CallOptions.defaults()
              .timeout(null)
              .retry(
                  RetryPolicy.backoff(10, Duration.ofMillis(100))
                      .jitter(0)
                      .deadline(Duration.ofMillis(500)));
      StepVerifier.create(
              policy(1).mono(attempts(at, () -> new UnreachableException("down", null), 10), options,
                  e -> RetryRules.mayRetry(e, false), () -> "test"))
          .then(() -> clock.advanceTimeBy(Duration.ofSeconds(10)))
          .expectError(UnreachableException.class)
          .verify();
      assertThat(at).containsExactly(0L, 100L, 300L); // the next wait (400 ms) would end at 700
    }
  }

  @Nested
  @DisplayName("what is retried")
  class WhatIsRetried {

    private int attemptsFor(Throwable error, boolean idempotent) {
      List<Long> at = new ArrayList<>();
      StepVerifier.create(
              policy(1).mono(attempts(at, () -> error, 10), exact(3),
                  e -> RetryRules.mayRetry(e, idempotent), () -> "test"))
          .then(() -> clock.advanceTimeBy(Duration.ofSeconds(10)))
          .expectError(error.getClass())
          .verify();
      return at.size();
    }

    @Test
    @DisplayName("rejected and unreachable: always, up to maxAttempts")
    void safeErrors() {
      assertThat(attemptsFor(new RejectedException("busy"), false)).isEqualTo(3);
      assertThat(attemptsFor(new UnreachableException("down", null), false)).isEqualTo(3);
    }

    @Test
    @DisplayName("closed connection and timeout: only when the call is idempotent")
    void onlyIfIdempotent() {
      assertThat(attemptsFor(new ConnectionClosedException("closed", null), false)).isEqualTo(1);
      assertThat(attemptsFor(new ConnectionClosedException("closed", null), true)).isEqualTo(3);
      assertThat(attemptsFor(new CallTimeoutException("slow"), false)).isEqualTo(1);
      assertThat(attemptsFor(new CallTimeoutException("slow"), true)).isEqualTo(3);
    }

    @Test
    @DisplayName("a remote handler's own error: never, even when idempotent")
    void handlerErrorsNever() {
      assertThat(attemptsFor(new HandlerException("r", "n", "java.lang.IllegalStateException", "x", null), true))
          .isEqualTo(1);
    }

    @Test
    @DisplayName("a stream is retried before its first element, never after")
    void streamsOnlyBeforeFirstElement() {
      AtomicInteger subscriptions = new AtomicInteger();
      Flux<String> failsEarly =
          Flux.defer(
              () ->
                  subscriptions.incrementAndGet() < 3
                      ? Flux.error(new UnreachableException("down", null))
                      : Flux.just("a", "b"));
      StepVerifier.create(policy(1).flux(failsEarly, exact(5), e -> RetryRules.mayRetry(e, true), () -> "s"))
          .then(() -> clock.advanceTimeBy(Duration.ofSeconds(10)))
          .expectNext("a", "b")
          .verifyComplete();
      assertThat(subscriptions).hasValue(3);

      AtomicInteger again = new AtomicInteger();
      Flux<String> failsLate =
          Flux.defer(
              () -> {
                again.incrementAndGet();
                return Flux.just("a").concatWith(Flux.error(new UnreachableException("down", null)));
              });
      StepVerifier.create(policy(1).flux(failsLate, exact(5), e -> RetryRules.mayRetry(e, true), () -> "s"))
          .expectNext("a")
          .expectError(UnreachableException.class)
          .verify();
      assertThat(again).hasValue(1);
    }
  }

  @Nested
  @DisplayName("timeouts")
  class Timeouts {

    @Test
    @DisplayName("an attempt with no answer fails with CallTimeoutException at exactly the timeout")
    void timesOut() {
      CallOptions options =
          CallOptions.defaults().timeout(Duration.ofSeconds(2)).retry(RetryPolicy.none());
      StepVerifier.create(
              policy(1).mono(Mono.never(), options, e -> RetryRules.mayRetry(e, false), () -> "request to route 'r'"))
          .then(() -> clock.advanceTimeBy(Duration.ofMillis(1999)))
          .expectNoEvent(Duration.ZERO)
          .then(() -> clock.advanceTimeBy(Duration.ofMillis(1)))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(CallTimeoutException.class)
                      .hasMessageContaining("route 'r'")
                      .hasMessageContaining("2000 ms"))
          .verify();
    }

    @Test
    @DisplayName("a stream's timeout bounds the first element only")
    void streamFirstElementOnly() {
      CallOptions options =
          CallOptions.defaults().timeout(Duration.ofSeconds(1)).retry(RetryPolicy.none());
      Flux<Long> slowButAlive = Flux.interval(Duration.ofMillis(500), Duration.ofSeconds(5), clock).take(3);
      StepVerifier.create(policy(1).flux(slowButAlive, options, e -> false, () -> "s"))
          .then(() -> clock.advanceTimeBy(Duration.ofSeconds(20)))
          .expectNext(0L, 1L, 2L)
          .verifyComplete();
    }
  }
}
