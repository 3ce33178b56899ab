package io.meshwork.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Environment;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

@DisplayName("DeadlineSweeper: one sweep per tick instead of one timer per call")
class DeadlineSweeperTest {

  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final DeadlineSweeper sweeper =
      new DeadlineSweeper(Environment.of(clock, new SplittableRandom(1)), Duration.ofMillis(10));

  @Test
  @DisplayName("a call with no answer fails at the first sweep at or after its deadline, and is cancelled")
  void firesAndCancels() {
    AtomicBoolean cancelled = new AtomicBoolean();
    clock.advanceTimeBy(Duration.ofMillis(3)); // not aligned with the ticks
    Mono<String> call =
        sweeper.timeout(Mono.<String>never().doOnCancel(() -> cancelled.set(true)), Duration.ofMillis(100), TimeoutException::new);
    StepVerifier.create(call)
        .then(() -> clock.advanceTimeBy(Duration.ofMillis(99)))
        .expectNoEvent(Duration.ZERO)
        .then(() -> clock.advanceTimeBy(Duration.ofMillis(8))) // deadline 103, sweep at 110
        .expectError(TimeoutException.class)
        .verify(Duration.ofSeconds(5));
    assertThat(cancelled).isTrue();
  }

  @Test
  @DisplayName("a call that answers in time passes its value through and is forgotten at the next sweep")
  void passesThrough() {
    Mono<String> call =
        sweeper.timeout(Mono.just("ok").delayElement(Duration.ofMillis(50), clock), Duration.ofMillis(100), TimeoutException::new);
    StepVerifier.create(call)
        .then(() -> clock.advanceTimeBy(Duration.ofMillis(50)))
        .expectNext("ok")
        .verifyComplete();
    clock.advanceTimeBy(Duration.ofSeconds(1)); // sweeps find it done: no late error
  }

  @Test
  @DisplayName("errors and empty completions pass through; after dispose no sweep runs")
  void errorsEmptyAndDispose() {
    StepVerifier.create(sweeper.timeout(Mono.error(new IllegalStateException("x")), Duration.ofMillis(10), TimeoutException::new))
        .expectError(IllegalStateException.class)
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(sweeper.timeout(Mono.<String>empty(), Duration.ofMillis(10), TimeoutException::new))
        .verifyComplete();
    sweeper.dispose();
    assertThat(sweeper.isDisposed()).isTrue();
  }

  @Test
  @DisplayName("of many calls at different deadlines, each times out at its own sweep, and only those still running")
  void manyCalls() {
    java.util.List<String> outcomes = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int i = 0; i < 100; i++) {
      int n = i;
      Mono<String> call = i % 3 == 0 ? Mono.just("ok") : Mono.never();
      sweeper
          .timeout(call, Duration.ofMillis(10 * (1 + i % 5)), TimeoutException::new)
          .subscribe(v -> outcomes.add("value " + n), e -> outcomes.add("timeout " + n + " at " + clock.now(java.util.concurrent.TimeUnit.MILLISECONDS)));
    }
    assertThat(outcomes).hasSize(34); // every third answered at once
    clock.advanceTimeBy(Duration.ofMillis(10));
    assertThat(outcomes).hasSize(34 + 13); // deadline 10 ms: i % 5 == 0 and i % 3 != 0
    clock.advanceTimeBy(Duration.ofMillis(40));
    assertThat(outcomes).hasSize(100);
    assertThat(outcomes).filteredOn(o -> o.startsWith("timeout")).allSatisfy(
        o -> {
          int n = Integer.parseInt(o.split(" ")[1]);
          assertThat(n % 3).isNotZero();
          assertThat(o).endsWith("at " + 10 * (1 + n % 5));
        });
    clock.advanceTimeBy(Duration.ofSeconds(1)); // nothing fires twice
    assertThat(outcomes).hasSize(100);
  }

  @Test
  @DisplayName(
      "seeded: calls started at different times, answering or not, each end by their answer or at"
          + " the first sweep at or after their deadline, and the sweeps keep only those running")
  void seededOutcomes() {
    for (long seed = 1; seed <= 25; seed++) {
      outcomesForSeed(seed);
    }
  }

  private static void outcomesForSeed(long seed) {
    VirtualTimeScheduler time = VirtualTimeScheduler.create();
    DeadlineSweeper s =
        new DeadlineSweeper(Environment.of(time, new SplittableRandom(seed)), Duration.ofMillis(10));
    SplittableRandom random = new SplittableRandom(seed);
    java.util.Map<Integer, String> expected = new java.util.HashMap<>();
    java.util.Map<Integer, String> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
    // Armed from time 0 to the end, so the sweeps fall at 10, 20, 30 ... ms.
    s.timeout(Mono.never(), Duration.ofHours(1), TimeoutException::new).subscribe(v -> {}, e -> {});
    int id = 0;
    for (int wave = 0; wave < 6; wave++) {
      long start = wave * 10L + 3; // between two sweeps
      time.advanceTimeBy(Duration.ofMillis(start - time.now(java.util.concurrent.TimeUnit.MILLISECONDS)));
      for (int i = 0; i < 40; i++, id++) {
        long timeout = 1 + random.nextInt(60);
        long answer = random.nextInt(4) == 0 ? -1 : 1 + random.nextInt(80);
        if (answer > 0 && (start + answer) % 10 == 0) {
          answer++; // never at the instant of a sweep: which would run first is not defined
        }
        long sweep = (start + timeout + 9) / 10 * 10; // the first sweep at or after the deadline
        expected.put(id, answer > 0 && start + answer < sweep ? "value" : "timeout at " + sweep);
        Mono<String> call =
            answer > 0 ? Mono.just("v").delayElement(Duration.ofMillis(answer), time) : Mono.never();
        int n = id;
        s.timeout(call, Duration.ofMillis(timeout), TimeoutException::new)
            .subscribe(
                v -> outcomes.put(n, "value"),
                e ->
                    outcomes.put(
                        n, "timeout at " + time.now(java.util.concurrent.TimeUnit.MILLISECONDS)));
      }
    }
    time.advanceTimeBy(Duration.ofMillis(200));
    assertThat(outcomes).as("seed %d", seed).isEqualTo(expected);
    assertThat(s.watching()).as("seed %d: only the call that never ends is watched", seed).isEqualTo(1);
    s.dispose();
  }

  @Test
  @DisplayName(
      "disposing it on a non-blocking thread never parks, while its scheduler's thread is busy with"
          + " the queue (BlockHound watches)")
  void disposeDoesNotBlock() throws Exception {
    // A node stops on its protocol loop, a Reactor thread. Cancelling a periodic task there may
    // wait for the executor's queue lock, which Reactor's BlockHound integration allows for a
    // one-shot task's dispose but not for a periodic one's: CI caught it as a failed shutdown.
    Scheduler busy = Schedulers.newSingle("sweeps");
    Scheduler disposer = Schedulers.newParallel("disposer", 1);
    java.util.List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      Environment environment = Environment.of(busy, new SplittableRandom(2));
      long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      for (int i = 0; i < 3_000 && System.nanoTime() - end < 0; i++) {
        DeadlineSweeper s = new DeadlineSweeper(environment, Duration.ofNanos(1_000));
        s.timeout(Mono.never(), Duration.ofHours(1), TimeoutException::new).subscribe(); // armed
        // One-shot tasks keep the executor's thread taking from (and locking) its queue.
        for (int j = 0; j < 4; j++) {
          busy.schedule(() -> {}, j * 500L, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
        Mono.fromRunnable(s::dispose)
            .subscribeOn(disposer)
            .doOnError(errors::add)
            .onErrorResume(e -> Mono.empty())
            .block(Duration.ofSeconds(5));
        assertThat(s.isDisposed()).isTrue();
      }
    } finally {
      busy.dispose();
      disposer.dispose();
    }
    assertThat(errors).isEmpty();
  }

  @Test
  @DisplayName("an idle sweeper schedules nothing; a watched call arms it until a sweep finds nothing left")
  void idleUntilWatched() {
    CountingScheduler counted = new CountingScheduler(clock);
    DeadlineSweeper idle =
        new DeadlineSweeper(Environment.of(counted, new SplittableRandom(3)), Duration.ofMillis(10));
    clock.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(counted.scheduled).as("sweeps scheduled while idle").isZero();

    StepVerifier.create(idle.timeout(Mono.never(), Duration.ofMillis(100), TimeoutException::new))
        .then(() -> clock.advanceTimeBy(Duration.ofMillis(100)))
        .expectError(TimeoutException.class)
        .verify(Duration.ofSeconds(5));
    assertThat(counted.scheduled).as("one sweep per tick up to the deadline").isEqualTo(10);
    clock.advanceTimeBy(Duration.ofSeconds(1));
    assertThat(counted.scheduled).as("disarmed once nothing is left").isEqualTo(10);

    StepVerifier.create(idle.timeout(Mono.never(), Duration.ofMillis(30), TimeoutException::new))
        .then(() -> clock.advanceTimeBy(Duration.ofMillis(30)))
        .expectError(TimeoutException.class)
        .verify(Duration.ofSeconds(5));
    assertThat(counted.scheduled).as("armed again by the next call").isEqualTo(13);
    idle.dispose();
  }

  @Test
  @DisplayName(
      "calls watched from several threads while sweeps disarm and re-arm all time out: none is"
          + " stranded on an idle sweeper")
  void noCallStrandedByDisarming() throws Exception {
    Scheduler sweeps = Schedulers.newSingle("sweeps");
    Scheduler callers = Schedulers.newParallel("callers", 4);
    DeadlineSweeper s =
        new DeadlineSweeper(Environment.of(sweeps, new SplittableRandom(4)), Duration.ofNanos(200_000));
    int bursts = 100;
    int perBurst = 40;
    try {
      for (int b = 0; b < bursts; b++) {
        // Each burst starts while the sweep that finds the last one's calls gone may be disarming.
        java.util.concurrent.CountDownLatch timedOut = new java.util.concurrent.CountDownLatch(perBurst);
        for (int i = 0; i < perBurst; i++) {
          long after = 50_000L + (i % 7) * 30_000L;
          Mono.defer(() -> s.timeout(Mono.never(), Duration.ofNanos(after), TimeoutException::new))
              .subscribeOn(callers)
              .subscribe(v -> {}, e -> timedOut.countDown());
        }
        assertThat(timedOut.await(5, java.util.concurrent.TimeUnit.SECONDS))
            .as("burst %d: every call timed out (%d left)", b, timedOut.getCount())
            .isTrue();
      }
    } finally {
      s.dispose();
      sweeps.dispose();
      callers.dispose();
    }
  }

  /** A scheduler that counts the delayed tasks scheduled on it, then delegates. */
  private static final class CountingScheduler implements Scheduler {
    private final Scheduler delegate;
    int scheduled;

    CountingScheduler(Scheduler delegate) {
      this.delegate = delegate;
    }

    @Override
    public reactor.core.Disposable schedule(Runnable task) {
      return delegate.schedule(task);
    }

    @Override
    public reactor.core.Disposable schedule(
        Runnable task, long delay, java.util.concurrent.TimeUnit unit) {
      scheduled++;
      return delegate.schedule(task, delay, unit);
    }

    @Override
    public long now(java.util.concurrent.TimeUnit unit) {
      return delegate.now(unit); // the virtual clock's time
    }

    @Override
    public Worker createWorker() {
      return delegate.createWorker();
    }
  }
}
