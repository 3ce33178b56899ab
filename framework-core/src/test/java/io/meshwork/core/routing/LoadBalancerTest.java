package io.meshwork.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Address;
import io.meshwork.Environment;
import io.meshwork.LoadBalancing;
import io.meshwork.NodeId;
import io.meshwork.membership.Member;
import io.meshwork.membership.MemberStatus;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.scheduler.VirtualTimeScheduler;

@DisplayName("LoadBalancer: strategies, avoidance, latency that fades")
class LoadBalancerTest {

  private static final List<Member> THREE =
      List.of(member("a"), member("b"), member("c"));

  private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();
  private final LoadBalancer lb =
      new LoadBalancer(Environment.of(clock, new SplittableRandom(1)), id -> 0);

  private static Member member(String id) {
    return Member.of(NodeId.of(id), Address.of(id, 1), 0, MemberStatus.ALIVE);
  }

  @Test
  @DisplayName("round robin takes each in turn, and skips the member to avoid")
  void roundRobin() {
    assertThat(List.of(pick(LoadBalancing.ROUND_ROBIN), pick(LoadBalancing.ROUND_ROBIN), pick(LoadBalancing.ROUND_ROBIN)))
        .containsExactly("a", "b", "c");
    for (int i = 0; i < 30; i++) {
      assertThat(lb.pick(THREE, LoadBalancing.ROUND_ROBIN, NodeId.of("b")).id().value()).isNotEqualTo("b");
    }
  }

  @Test
  @DisplayName("least outstanding never picks the busiest of three (power of two choices)")
  void leastOutstanding() {
    Sinks.Empty<Void> never = Sinks.empty();
    for (int i = 0; i < 5; i++) {
      lb.track(NodeId.of("b"), never.asMono()).subscribe();
    }
    assertThat(lb.outstanding(NodeId.of("b"))).isEqualTo(5);
    for (int i = 0; i < 100; i++) {
      assertThat(pick(LoadBalancing.LEAST_OUTSTANDING)).isNotEqualTo("b");
    }
    never.tryEmitEmpty();
    assertThat(lb.outstanding(NodeId.of("b"))).isZero();
  }

  @Test
  @DisplayName("latency-weighted avoids a slow member, and tries it again once its figure fades")
  void latencyWeighted() {
    lb.track(NodeId.of("a"), Mono.delay(Duration.ofMillis(1), clock).then()).subscribe();
    lb.track(NodeId.of("b"), Mono.delay(Duration.ofMillis(200), clock).then()).subscribe();
    lb.track(NodeId.of("c"), Mono.delay(Duration.ofMillis(1), clock).then()).subscribe();
    clock.advanceTimeBy(Duration.ofMillis(200));
    for (int i = 0; i < 100; i++) {
      assertThat(pick(LoadBalancing.LATENCY_WEIGHTED)).isNotEqualTo("b");
    }
    // b recovered (answers in 1 ms now) but gets no traffic: its old figure fades while a's and
    // c's stay fresh, until b is cheaper and is tried again.
    long b = 0;
    for (int second = 0; second < 120; second++) {
      String picked = pick(LoadBalancing.LATENCY_WEIGHTED);
      b += picked.equals("b") ? 1 : 0;
      lb.track(NodeId.of(picked), Mono.delay(Duration.ofMillis(1), clock).then()).subscribe();
      clock.advanceTimeBy(Duration.ofSeconds(1));
    }
    assertThat(b).isPositive();
  }

  private String pick(LoadBalancing s) {
    return lb.pick(THREE, s, null).id().value();
  }
}
