package io.meshwork.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LamportClockTest {

  private static final int THREADS = 4;
  private static final int TICKS_PER_THREAD = 10_000;

  @Test
  @DisplayName("a new clock is at 0; tick advances by one and returns the new time")
  void tickAdvancesByOne() {
    LamportClock clock = new LamportClock();
    assertThat(clock.now()).isZero();
    assertThat(clock.tick()).isEqualTo(1L);
    assertThat(clock.tick()).isEqualTo(2L);
    assertThat(clock.now()).isEqualTo(2L);
    assertThat(clock.now()).as("now() does not tick").isEqualTo(2L);
    assertThat(clock).hasToString("LamportClock{time=2}");
  }

  @Test
  @DisplayName("receive(10) on a clock at 3 gives 11")
  void receiveAheadJumpsPastRemote() {
    LamportClock clock = new LamportClock(3);
    assertThat(clock.receive(10)).isEqualTo(11L);
    assertThat(clock.now()).isEqualTo(11L);
  }

  @Test
  @DisplayName("receive(2) on a clock at 5 gives 6")
  void receiveBehindStillTicks() {
    LamportClock clock = new LamportClock(5);
    assertThat(clock.receive(2)).isEqualTo(6L);
    assertThat(clock.now()).isEqualTo(6L);
  }

  @Test
  @DisplayName("receive of the clock's own time still advances it")
  void receiveEqualTime() {
    LamportClock clock = new LamportClock(7);
    assertThat(clock.receive(7)).isEqualTo(8L);
    assertThat(new LamportClock().receive(0)).isEqualTo(1L);
  }

  @Test
  @DisplayName("rejects a negative remote time or initial time, naming the value")
  void rejectsNegativeTimes() {
    LamportClock clock = new LamportClock(4);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> clock.receive(-1))
        .withMessageContaining("-1");
    assertThat(clock.now()).as("unchanged").isEqualTo(4L);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new LamportClock(-5))
        .withMessageContaining("-5");
  }

  @Test
  @DisplayName("throws ArithmeticException at Long.MAX_VALUE instead of wrapping, and stays put")
  void overflowThrows() {
    LamportClock full = new LamportClock(Long.MAX_VALUE);
    assertThatThrownBy(full::tick).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> full.receive(3)).isInstanceOf(ArithmeticException.class);
    assertThat(full.now()).isEqualTo(Long.MAX_VALUE);

    LamportClock low = new LamportClock(2);
    assertThatThrownBy(() -> low.receive(Long.MAX_VALUE)).isInstanceOf(ArithmeticException.class);
    assertThat(low.now()).as("unchanged by the failed receive").isEqualTo(2L);

    LamportClock almost = new LamportClock(Long.MAX_VALUE - 1);
    assertThat(almost.tick()).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(almost::tick).isInstanceOf(ArithmeticException.class);
  }

  @Test
  @DisplayName("4 threads x 10,000 ticks end at exactly 40,000 with every returned time distinct")
  void concurrentTicksAreAtomic() throws Exception {
    LamportClock clock = new LamportClock();
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    CountDownLatch ready = new CountDownLatch(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  start.await(); // all threads start together, to contend
                  for (int i = 0; i < TICKS_PER_THREAD; i++) {
                    seen.add(clock.tick());
                  }
                  return null;
                }));
      }
      assertThat(ready.await(30, TimeUnit.SECONDS)).as("all threads running").isTrue();
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS); // rethrows a worker's failure
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }

    assertThat(clock.now()).isEqualTo((long) THREADS * TICKS_PER_THREAD);
    assertThat(seen).hasSize(THREADS * TICKS_PER_THREAD);
    assertThat(seen).allSatisfy(v -> assertThat(v).isBetween(1L, 40_000L));
  }

  @Test
  @DisplayName("concurrent ticks and receives never return the same time twice")
  void concurrentTicksAndReceivesAreDistinctAndMonotonic() throws Exception {
    LamportClock clock = new LamportClock();
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    CountDownLatch ready = new CountDownLatch(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    int opsPerThread = 5_000;
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        SplittableRandom random = new SplittableRandom(t);
        futures.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  start.await();
                  long previous = 0;
                  for (int i = 0; i < opsPerThread; i++) {
                    long remote = clock.now() + random.nextInt(-3, 4);
                    long time =
                        random.nextBoolean() ? clock.tick() : clock.receive(Math.max(0, remote));
                    assertThat(time).as("one thread sees increasing times").isGreaterThan(previous);
                    assertThat(seen.add(time)).as("time %d returned twice", time).isTrue();
                    previous = time;
                  }
                  return null;
                }));
      }
      assertThat(ready.await(30, TimeUnit.SECONDS)).as("all threads running").isTrue();
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }

    assertThat(seen).hasSize(THREADS * opsPerThread);
    assertThat(clock.now()).isEqualTo(seen.stream().mapToLong(Long::longValue).max().orElseThrow());
  }
}
