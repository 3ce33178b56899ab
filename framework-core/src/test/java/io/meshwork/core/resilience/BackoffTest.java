package io.meshwork.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.RetryPolicy;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Backoff waits are exponential, capped and spread within the jitter")
class BackoffTest {

  @Test
  @DisplayName("for 10,000 seeded draws each wait lies within ±jitter of the base and under the cap")
  void withinBounds() {
    RetryPolicy p = RetryPolicy.backoff(20, Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(500)).jitter(0.3);
    SplittableRandom random = new SplittableRandom(2026);
    for (int i = 0; i < 10_000; i++) {
      long retry = i % 12;
      long base = p.backoffBefore(retry).toNanos();
      long wait = Backoff.delay(p, retry, random).toNanos();
      assertThat(wait)
          .as("retry %d", retry)
          .isBetween(Math.round(base * 0.7) - 1, Math.min(p.maxBackoff().toNanos(), Math.round(base * 1.3) + 1));
    }
  }

  @Test
  @DisplayName("huge retry counts saturate at the cap instead of overflowing")
  void noOverflow() {
    RetryPolicy p = RetryPolicy.backoff(100, Duration.ofMillis(1)).maxBackoff(Duration.ofSeconds(1)).jitter(0);
    assertThat(Backoff.delay(p, 61, new SplittableRandom(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(Backoff.delay(p, 1_000, new SplittableRandom(1))).isEqualTo(Duration.ofSeconds(1));
  }
}
