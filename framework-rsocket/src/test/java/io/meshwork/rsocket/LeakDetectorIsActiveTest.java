package io.meshwork.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Netty's leak detector runs at PARANOID and its reports reach the leak check")
class LeakDetectorIsActiveTest {

  @Test
  @DisplayName("the detector level is PARANOID")
  void paranoid() {
    assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
  }

  @Test
  @DisplayName("a buffer dropped without release is reported")
  void aDeliberateLeakIsReported() {
    leakOne();
    List<String> seen = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              System.gc();
              ByteBufAllocator.DEFAULT.buffer(1).release(); // the detector polls on allocation
              seen.addAll(NettyLeakReports.drain()); // consumed here, so the check stays green
              return !seen.isEmpty();
            });
    assertThat(seen).anySatisfy(r -> assertThat(r).startsWith("LEAK: ByteBuf"));
  }

  private static void leakOne() {
    ByteBuf lost = ByteBufAllocator.DEFAULT.buffer(16);
    lost.writeLong(42);
    // no release: this is the leak
  }
}
