package io.meshwork.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.rsocket.frame.FrameType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

class PermitSenderTest {

  private static final FrameType RR = FrameType.REQUEST_RESPONSE;

  @Test
  @DisplayName("the first lease grants every permit; a new one, what is free once every request the last allowed has arrived")
  void grantsWhatIsFree() {
    PermitSender sender = new PermitSender(8, Duration.ofHours(12));
    List<Integer> leases = new CopyOnWriteArrayList<>();
    Disposable subscription = sender.send().subscribe(l -> leases.add(l.numberOfRequests()));
    try {
      assertThat(leases).containsExactly(8);
      for (int i = 0; i < 8; i++) {
        sender.onStart(i, RR, null);
      }
      assertThat(leases).as("all 8 running: nothing free").containsExactly(8);

      sender.onTerminate(0, RR, null);
      sender.onTerminate(1, RR, null);
      assertThat(leases).as("the first end grants one; the second waits for its request").containsExactly(8, 1);
      assertThat(sender.running()).isEqualTo(6);
      assertThat(sender.unused()).isEqualTo(1);

      sender.onStart(8, RR, null);
      assertThat(leases).as("that request arrived: what is free now").containsExactly(8, 1, 1);
      sender.onStart(9, RR, null);
      assertThat(leases).as("8 running again").containsExactly(8, 1, 1);

      sender.onCancel(2, RR);
      assertThat(leases).as("a cancel frees a permit as an end does").containsExactly(8, 1, 1, 1);
      assertThat(sender.running()).isEqualTo(7);
    } finally {
      subscription.dispose();
    }
  }

  @Test
  @DisplayName("from many threads: a client holding to its leases never has more requests running than the permits")
  void neverMoreThanThePermits() throws InterruptedException {
    int permits = 4;
    int requests = 20_000;
    PermitSender sender = new PermitSender(permits, Duration.ofHours(12));
    BlockingQueue<Integer> leases = new LinkedBlockingQueue<>();
    Disposable subscription = sender.send().subscribe(l -> leases.add(l.numberOfRequests()));
    ExecutorService enders = Executors.newFixedThreadPool(3);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    int sent = 0;
    try {
      int allowance = 0;
      while (sent < requests && System.nanoTime() < deadline) {
        Integer lease = allowance > 0 ? leases.poll() : leases.poll(5, TimeUnit.SECONDS);
        if (lease != null) {
          allowance = lease; // a lease replaces the last one
        }
        if (allowance == 0) {
          continue;
        }
        allowance--;
        int streamId = sent++;
        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
        sender.onStart(streamId, RR, null);
        enders.execute(
            () -> {
              if (ThreadLocalRandom.current().nextInt(8) == 0) {
                LockSupport.parkNanos(20_000); // widen the windows between threads
              }
              running.decrementAndGet(); // the handler's end, before the request's
              sender.onTerminate(streamId, RR, null);
            });
      }
    } finally {
      enders.shutdown();
      assertThat(enders.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      subscription.dispose();
    }
    System.out.printf("permits: %d requests sent on %d permits, at most %d running%n", sent, permits, peak.get());
    assertThat(sent).as("every request sent in time: the leases kept coming").isEqualTo(requests);
    assertThat(peak.get()).isLessThanOrEqualTo(permits);
    assertThat(sender.running()).isZero();
  }
}
