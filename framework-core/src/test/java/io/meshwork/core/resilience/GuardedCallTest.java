package io.meshwork.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Environment;
import io.meshwork.NodeId;
import io.meshwork.RetryPolicy;
import io.meshwork.error.CallTimeoutException;
import io.meshwork.error.HandlerException;
import io.meshwork.error.UnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.PublisherProbe;
import reactor.test.publisher.TestPublisher;
import reactor.test.scheduler.VirtualTimeScheduler;

@DisplayName("GuardedCall: a call's attempts, deadlines and retries in one operator")
class GuardedCallTest {

  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final AtomicInteger retriesCounted = new AtomicInteger();
  private final CallPolicy policy =
      new CallPolicy(
          NodeId.of("n"),
          Environment.of(clock, new SplittableRandom(1)),
          retriesCounted::incrementAndGet);

  @AfterEach
  void stop() {
    policy.dispose();
  }

  private static RetryPolicy exact(int attempts) {
    return RetryPolicy.backoff(attempts, Duration.ofMillis(100)).jitter(0);
  }

  /** Builds attempts that record when they started and answer with the next of {@code answers}. */
  private <T> java.util.function.Supplier<Mono<T>> attempts(List<Long> at, List<Mono<T>> answers) {
    return () -> {
      at.add(clock.now(TimeUnit.MILLISECONDS));
      return answers.get(Math.min(at.size(), answers.size()) - 1);
    };
  }

  @Nested
  @DisplayName("a call that succeeds")
  class Success {

    @Test
    @DisplayName("passes the value through `received`, once, and completes")
    void value() {
      List<Long> at = new ArrayList<>();
      UnaryOperator<String> received = s -> s + "!";
      StepVerifier.create(
              policy.mono(attempts(at, List.of(Mono.just("ok"))), received, Duration.ofSeconds(1),
                  exact(3), e -> true, () -> "test"))
          .expectNext("ok!")
          .verifyComplete();
      assertThat(at).containsExactly(0L);
      assertThat(retriesCounted).hasValue(0);
    }

    @Test
    @DisplayName("an empty attempt completes the call empty")
    void empty() {
      StepVerifier.create(
              policy.mono(() -> Mono.<Void>empty(), UnaryOperator.identity(), null, exact(3),
                  e -> true, () -> "test"))
          .verifyComplete();
    }

    @Test
    @DisplayName("builds nothing and sends nothing until subscribed, and each subscription is a new call")
    void coldAndResubscribable() {
      List<Long> at = new ArrayList<>();
      Mono<String> call =
          policy.mono(attempts(at, List.of(Mono.just("ok"))), UnaryOperator.identity(), null,
              exact(3), e -> true, () -> "test");
      assertThat(at).isEmpty();
      StepVerifier.create(call).expectNext("ok").verifyComplete();
      StepVerifier.create(call).expectNext("ok").verifyComplete();
      assertThat(at).hasSize(2);
    }

    @Test
    @DisplayName("demand reaches the attempt only when the subscriber requests")
    void backpressure() {
      PublisherProbe<String> probe = PublisherProbe.of(Mono.just("ok"));
      StepVerifier.create(
              policy.mono(probe::mono, UnaryOperator.identity(), Duration.ofSeconds(1), exact(3),
                  e -> true, () -> "test"),
              0)
          .expectSubscription()
          .then(() -> assertThat(probe.wasRequested()).isFalse())
          .thenRequest(1)
          .expectNext("ok")
          .verifyComplete();
    }
  }

  @Nested
  @DisplayName("failures")
  class Failures {

    @Test
    @DisplayName("a failure that may be retried is, after the backoff, until an attempt succeeds")
    void retried() {
      List<Long> at = new ArrayList<>();
      Mono<String> down = Mono.error(new UnreachableException("down", null));
      StepVerifier.create(
              policy.mono(attempts(at, List.of(down, down, Mono.just("ok"))),
                  UnaryOperator.identity(), Duration.ofSeconds(1), exact(5), e -> true,
                  () -> "test"))
          .then(() -> clock.advanceTimeBy(Duration.ofSeconds(10)))
          .expectNext("ok")
          .verifyComplete();
      assertThat(at).containsExactly(0L, 100L, 300L);
      assertThat(retriesCounted).hasValue(2);
    }

    @Test
    @DisplayName("a failure that may not be retried is signalled as is, after one attempt")
    void notRetried() {
      List<Long> at = new ArrayList<>();
      HandlerException failure = new HandlerException("r", "n", "x.Y", "boom", null);
      StepVerifier.create(
              policy.mono(attempts(at, List.of(Mono.<String>error(failure))),
                  UnaryOperator.identity(), null, exact(5), e -> false, () -> "test"))
          .expectErrorSatisfies(e -> assertThat(e).isSameAs(failure))
          .verify();
      assertThat(at).hasSize(1);
      assertThat(retriesCounted).hasValue(0);
    }

    @Test
    @DisplayName("when attempts run out, the last failure is signalled as is")
    void exhausted() {
      List<Long> at = new ArrayList<>();
      UnreachableException last = new UnreachableException("third", null);
      List<Mono<String>> answers =
          List.of(
              Mono.error(new UnreachableException("first", null)),
              Mono.error(new UnreachableException("second", null)),
              Mono.error(last));
      StepVerifier.create(
              policy.mono(attempts(at, answers), UnaryOperator.identity(), null, exact(3),
                  e -> true, () -> "test"))
          .then(() -> clock.advanceTimeBy(Duration.ofSeconds(10)))
          .expectErrorSatisfies(e -> assertThat(e).isSameAs(last))
          .verify();
      assertThat(at).containsExactly(0L, 100L, 300L);
    }

    @Test
    @DisplayName("an attempt that cannot be built fails like Mono.defer's, and may be retried")
    void builderThrows() {
      AtomicInteger built = new AtomicInteger();
      StepVerifier.create(
              policy.mono(
                  () -> {
                    if (built.incrementAndGet() == 1) {
                      throw new UnreachableException("no route yet", null);
                    }
                    return Mono.just("ok");
                  },
                  UnaryOperator.identity(), null, exact(2), e -> true, () -> "test"))
          .then(() -> clock.advanceTimeBy(Duration.ofSeconds(1)))
          .expectNext("ok")
          .verifyComplete();
      assertThat(built).hasValue(2);
    }

    @Test
    @DisplayName("a late error of a finished attempt is dropped, not signalled")
    void lateErrorDropped() {
      TestPublisher<String> misbehaving =
          TestPublisher.createNoncompliant(TestPublisher.Violation.CLEANUP_ON_TERMINATE);
      StepVerifier.create(
              policy.mono(misbehaving::mono, UnaryOperator.identity(), null, exact(1),
                  e -> true, () -> "test"))
          .then(() -> misbehaving.next("ok"))
          .expectNext("ok")
          .then(() -> misbehaving.error(new IllegalStateException("late")))
          .expectComplete()
          .verifyThenAssertThat()
          .hasDroppedErrors(1);
    }
  }

  @Nested
  @DisplayName("timeouts")
  class Timeouts {

    @Test
    @DisplayName("an attempt without an answer is cancelled at the first sweep after its deadline")
    void timesOut() {
      PublisherProbe<String> silent = PublisherProbe.of(Mono.never());
      StepVerifier.create(
              policy.mono(silent::mono, UnaryOperator.identity(), Duration.ofMillis(200),
                  RetryPolicy.none(), e -> true, () -> "request to route 'r'"))
          .then(() -> clock.advanceTimeBy(Duration.ofMillis(199)))
          .expectNoEvent(Duration.ZERO)
          .then(() -> clock.advanceTimeBy(Duration.ofMillis(1)))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(CallTimeoutException.class)
                      .hasMessageContaining("route 'r'")
                      .hasMessageContaining("200 ms"))
          .verify();
      silent.assertWasCancelled();
    }

    @Test
    @DisplayName("an attempt that ends inside subscribe never reaches the sweeper")
    void endedAttemptNotWatched() {
      StepVerifier.create(
              policy.mono(() -> Mono.just("ok"), UnaryOperator.identity(), Duration.ofMillis(200),
                  exact(3), e -> true, () -> "test"))
          .expectNext("ok")
          .verifyComplete();
      StepVerifier.create(
              policy.mono(Mono::<String>empty, UnaryOperator.identity(), Duration.ofMillis(200),
                  exact(3), e -> true, () -> "test"))
          .verifyComplete();
      assertThat(policy.deadlines().idle()).as("no sweep scheduled").isTrue();
    }

    @Test
    @DisplayName("an attempt whose onSubscribe comes after subscribe returned still times out")
    void lateOnSubscribeWatched() {
      AtomicReference<CoreSubscriber<? super String>> held = new AtomicReference<>();
      AtomicBoolean cancelled = new AtomicBoolean();
      Subscription upstream =
          new Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {
              cancelled.set(true);
            }
          };
      Mono<String> late =
          new Mono<>() {
            @Override
            public void subscribe(CoreSubscriber<? super String> actual) {
              held.set(actual); // its onSubscribe comes later, from the test
            }
          };
      AtomicReference<Throwable> failed = new AtomicReference<>();
      policy
          .mono(() -> late, UnaryOperator.identity(), Duration.ofMillis(200), RetryPolicy.none(),
              e -> true, () -> "test")
          .subscribe(v -> {}, failed::set);
      assertThat(policy.deadlines().idle()).as("not watched before its onSubscribe").isTrue();
      held.get().onSubscribe(upstream);
      assertThat(policy.deadlines().idle()).as("watched").isFalse();
      clock.advanceTimeBy(Duration.ofMillis(200));
      assertThat(failed.get()).isInstanceOf(CallTimeoutException.class);
      assertThat(cancelled).isTrue();
    }

    @Test
    @DisplayName("a timed-out attempt may be retried, and each attempt has its own deadline")
    void timeoutRetried() {
      List<Long> at = new ArrayList<>();
      StepVerifier.create(
              policy.mono(attempts(at, List.of(Mono.<String>never(), Mono.just("ok"))),
                  UnaryOperator.identity(), Duration.ofMillis(200), exact(3),
                  e -> e instanceof CallTimeoutException, () -> "test"))
          .then(() -> clock.advanceTimeBy(Duration.ofSeconds(1)))
          .expectNext("ok")
          .verifyComplete();
      assertThat(at).containsExactly(0L, 300L); // timed out at 200, retried 100 ms later
    }

    @Test
    @DisplayName("a value that arrives after the deadline is discarded, not signalled")
    void lateValueDiscarded() {
      TestPublisher<String> late =
          TestPublisher.createNoncompliant(TestPublisher.Violation.DEFER_CANCELLATION);
      StepVerifier.create(
              policy.mono(late::mono, UnaryOperator.identity(), Duration.ofMillis(100),
                  RetryPolicy.none(), e -> false, () -> "test"))
          .then(() -> clock.advanceTimeBy(Duration.ofMillis(100)))
          .expectError(CallTimeoutException.class)
          .verifyThenAssertThat()
          .hasNotDiscardedElements();
      late.assertCancelled();
      StepVerifier.create(
              policy.mono(late::mono, UnaryOperator.identity(), Duration.ofMillis(100),
                  RetryPolicy.none(), e -> false, () -> "test"))
          .then(() -> clock.advanceTimeBy(Duration.ofMillis(100)))
          .then(() -> late.next("too late"))
          .expectError(CallTimeoutException.class)
          .verifyThenAssertThat()
          .hasDiscarded("too late");
    }
  }

  @Nested
  @DisplayName("cancellation")
  class Cancellation {

    @Test
    @DisplayName("cancelling cancels the running attempt")
    void cancelsAttempt() {
      PublisherProbe<String> silent = PublisherProbe.of(Mono.never());
      StepVerifier.create(
              policy.mono(silent::mono, UnaryOperator.identity(), Duration.ofSeconds(1),
                  exact(3), e -> true, () -> "test"))
          .expectSubscription()
          .thenCancel()
          .verify();
      silent.assertWasCancelled();
      clock.advanceTimeBy(Duration.ofSeconds(5)); // no late timeout, no retry
      assertThat(retriesCounted).hasValue(0);
    }

    @Test
    @DisplayName("cancelling during the backoff wait starts no further attempt")
    void cancelsWait() {
      List<Long> at = new ArrayList<>();
      StepVerifier.create(
              policy.mono(attempts(at, List.of(Mono.<String>error(new UnreachableException("down", null)))),
                  UnaryOperator.identity(), null, exact(3), e -> true, () -> "test"))
          .expectSubscription()
          .then(() -> clock.advanceTimeBy(Duration.ofMillis(50))) // inside the 100 ms wait
          .thenCancel()
          .verify();
      clock.advanceTimeBy(Duration.ofSeconds(5));
      assertThat(at).containsExactly(0L);
      assertThat(retriesCounted).hasValue(1);
    }
  }
}
