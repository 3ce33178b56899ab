package io.meshwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;

class EnvironmentTest {

  @Nested
  @DisplayName("of(scheduler, random)")
  class Simulated {

    private VirtualTimeScheduler vts;

    @BeforeEach
    void createScheduler() {
      vts = VirtualTimeScheduler.create();
    }

    @AfterEach
    void disposeScheduler() {
      vts.dispose();
    }

    @Test
    @DisplayName("nanoTime() follows the virtual clock exactly")
    void nanoTimeFollowsVirtualClock() {
      Environment env = Environment.of(vts, new SplittableRandom(1));
      long before = env.nanoTime();
      assertThat(env.nanoTime()).as("no time passes on its own").isEqualTo(before);

      vts.advanceTimeBy(Duration.ofSeconds(2));
      assertThat(env.nanoTime() - before).isEqualTo(2_000_000_000L);

      vts.advanceTimeBy(Duration.ofNanos(1));
      assertThat(env.nanoTime() - before).isEqualTo(2_000_000_001L);

      assertThat(env.nanoTime()).isEqualTo(vts.now(TimeUnit.NANOSECONDS));
    }

    @Test
    @DisplayName("timers scheduled on scheduler() fire when the virtual clock reaches them")
    void schedulerIsTheVirtualOne() {
      Environment env = Environment.of(vts, new SplittableRandom(1));
      assertThat(env.scheduler()).isSameAs(vts);

      List<Long> firedAt = new ArrayList<>();
      env.scheduler().schedule(() -> firedAt.add(env.nanoTime()), 500, TimeUnit.MILLISECONDS);
      long start = env.nanoTime();
      vts.advanceTimeBy(Duration.ofMillis(499));
      assertThat(firedAt).isEmpty();
      vts.advanceTimeBy(Duration.ofMillis(1));
      assertThat(firedAt).containsExactly(start + 500_000_000L);
    }

    @Test
    @DisplayName("random() is the generator given, so a seed reproduces a run")
    void randomIsTheGivenGenerator() {
      SplittableRandom random = new SplittableRandom(1);
      Environment env = Environment.of(vts, random);
      assertThat(env.random()).isSameAs(random);

      Environment first = Environment.of(vts, new SplittableRandom(99));
      Environment second = Environment.of(vts, new SplittableRandom(99));
      for (int i = 0; i < 10; i++) {
        assertThat(NodeId.random(first.random())).isEqualTo(NodeId.random(second.random()));
      }
    }

    @Test
    @DisplayName("rejects a null scheduler or random source")
    void rejectsNulls() {
      assertThatNullPointerException()
          .isThrownBy(() -> Environment.of(null, new SplittableRandom(1)))
          .withMessage("scheduler");
      assertThatNullPointerException().isThrownBy(() -> Environment.of(vts, null)).withMessage("random");
    }
  }

  @Nested
  @DisplayName("system()")
  class SystemEnvironment {

    @Test
    @DisplayName("is non-null and a single shared instance")
    void nonNullAndShared() {
      Environment env = Environment.system();
      assertThat(env).isNotNull().isSameAs(Environment.system());
      // its own timer threads, not Reactor's shared parallel scheduler
      assertThat(env.scheduler()).isNotNull().isNotSameAs(Schedulers.parallel());
      reactor.core.publisher.Mono.fromCallable(() -> Thread.currentThread().getName())
          .subscribeOn(env.scheduler())
          .as(m -> org.assertj.core.api.Assertions.assertThat(m.block()))
          .startsWith("meshwork-timer-");
      assertThat(env.random()).isNotNull();
    }

    @Test
    @DisplayName("nanoTime() is monotonic")
    void nanoTimeMonotonic() {
      Environment env = Environment.system();
      long previous = env.nanoTime();
      for (int i = 0; i < 10_000; i++) {
        long now = env.nanoTime();
        assertThat(now).isGreaterThanOrEqualTo(previous);
        previous = now;
      }
    }

    @Test
    @DisplayName("random() works from several threads at once")
    void randomFromSeveralThreads() throws Exception {
      int threads = 8;
      int draws = 2_000;
      RandomGenerator random = Environment.system().random();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Callable<List<Long>> task =
              () -> {
                ready.countDown();
                assertThat(go.await(30, TimeUnit.SECONDS)).isTrue();
                List<Long> values = new ArrayList<>(draws);
                for (int i = 0; i < draws; i++) {
                  values.add(random.nextLong());
                  int bounded = random.nextInt(10);
                  assertThat(bounded).isBetween(0, 9);
                  double d = random.nextDouble();
                  assertThat(d).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
                }
                NodeId id = NodeId.random(random);
                assertThat(id.value()).matches("[0-9a-f]{16}");
                return values;
              };
          results.add(pool.submit(task));
        }
        assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
        go.countDown();

        Set<Long> all = new HashSet<>();
        for (Future<List<Long>> result : results) {
          List<Long> values = result.get(30, TimeUnit.SECONDS);
          assertThat(values).hasSize(draws);
          all.addAll(values);
        }
        // 16 000 64-bit draws: a collision, let alone many, would mean shared broken state
        assertThat(all).hasSizeGreaterThan(threads * draws - 2);
      } finally {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
    }
  }
}
