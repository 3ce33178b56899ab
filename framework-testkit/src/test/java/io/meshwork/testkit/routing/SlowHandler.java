package io.meshwork.testkit.routing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/** A handler body that holds its slot 20 ms, counting how many run at once and how many ended. */
final class SlowHandler {

  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();
  private final AtomicLong ended = new AtomicLong();

  /** {@code result} after 20 ms; counted down before its end is signalled, so before the slot is freed. */
  <T> Mono<T> slowly(Mono<T> result) {
    return Mono.defer(
        () -> {
          peak.accumulateAndGet(running.incrementAndGet(), Math::max);
          return Mono.delay(Duration.ofMillis(20))
              .then(result)
              .doOnTerminate(this::end)
              .doOnCancel(this::end);
        });
  }

  private void end() {
    running.decrementAndGet();
    ended.incrementAndGet();
  }

  /** The most that ran at once. */
  int peak() {
    return peak.get();
  }

  /** How many ended, whichever way. */
  long ended() {
    return ended.get();
  }
}
