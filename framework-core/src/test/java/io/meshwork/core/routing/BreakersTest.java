package io.meshwork.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.meshwork.Environment;
import io.meshwork.NodeId;
import io.meshwork.error.CircuitOpenException;
import io.meshwork.error.HandlerException;
import io.meshwork.error.UnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

@DisplayName("Breakers: what opens a member's breaker, and what does not")
class BreakersTest {

  private static final NodeId M = NodeId.of("m");
  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final List<String> transitions = new ArrayList<>();
  private final Breakers breakers =
      new Breakers(
          Breakers.defaults(),
          Environment.of(clock, new SplittableRandom(1)),
          (member, from, to) -> transitions.add(from + "->" + to));

  @Test
  @DisplayName("ten transport failures open it; a handler's errors never do; then it fails fast")
  void transportFailuresOpenIt() {
    for (int i = 0; i < 20; i++) {
      breakers.guard(M, Mono.error(new HandlerException("r", "m", "E", "boom", null)), null)
          .onErrorResume(e -> Mono.empty()).subscribe();
    }
    assertThat(breakers.state(M)).isEqualTo(CircuitBreaker.State.CLOSED);
    for (int i = 0; i < 20; i++) {
      breakers.guard(M, Mono.error(new UnreachableException("down", null)), null)
          .onErrorResume(e -> Mono.empty()).subscribe();
    }
    assertThat(breakers.state(M)).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breakers.available(M, 0)).isFalse();
    StepVerifier.create(breakers.guard(M, Mono.just(1), null))
        .expectError(CircuitOpenException.class)
        .verify(Duration.ofSeconds(1));
    clock.advanceTimeBy(Duration.ofSeconds(5));
    assertThat(breakers.available(M, 0)).isFalse();
    clock.advanceTimeBy(Duration.ofMillis(1));
    assertThat(breakers.available(M, 0)).isTrue(); // the open period is over: the next call probes
    Sinks.One<Integer> firstProbe = Sinks.one();
    breakers.guard(M, firstProbe.asMono(), null).subscribe(); // the first probe: now half-open
    assertThat(breakers.state(M)).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(breakers.available(M, 2)).isTrue();
    assertThat(breakers.available(M, 3)).isFalse(); // its three probe permits are in flight
    for (int i = 0; i < 2; i++) {
      StepVerifier.create(breakers.guard(M, Mono.just(1), null)).expectNext(1).verifyComplete();
    }
    firstProbe.tryEmitValue(1); // the third probe succeeds too
    assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
  }

  @Test
  @DisplayName("a stream taken in part after its first element, past the timeout, is not a failure")
  void streamsCancelledLaterAreFine() {
    for (int i = 0; i < 15; i++) {
      List<Long> got = new ArrayList<>();
      breakers.guard(M, Flux.interval(Duration.ofMillis(500), clock), Duration.ofSeconds(1))
          .take(5)
          .subscribe(got::add);
      clock.advanceTimeBy(Duration.ofSeconds(3));
      assertThat(got).hasSize(5); // cancelled by take(5) at 2.5 s, past the 1 s timeout
    }
    assertThat(breakers.state(M)).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(transitions).isEmpty();
  }

  @Test
  @DisplayName("a call cancelled at its timeout counts as a timeout; cancelled earlier, it does not count")
  void cancellationsAtTheTimeout() {
    for (int i = 0; i < 20; i++) {
      breakers.guard(M, Mono.never(), Duration.ofMillis(100)).take(Duration.ofMillis(50), clock).subscribe();
      clock.advanceTimeBy(Duration.ofMillis(50));
    }
    assertThat(breakers.state(M)).isEqualTo(CircuitBreaker.State.CLOSED);
    List<Throwable> failedFast = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      breakers.guard(M, Mono.never(), Duration.ofMillis(100))
          .take(Duration.ofMillis(100), clock)
          .subscribe(v -> {}, failedFast::add);
      clock.advanceTimeBy(Duration.ofMillis(100));
    }
    assertThat(breakers.state(M)).isEqualTo(CircuitBreaker.State.OPEN);
    // once open, the rest of the calls failed at once, without waiting for their timeout
    assertThat(failedFast)
        .isNotEmpty()
        .allSatisfy(e -> assertThat(e).isInstanceOf(CircuitOpenException.class));
  }
}
