package io.meshwork.testkit.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.CallOptions;
import io.meshwork.CircuitBreakerOptions;
import io.meshwork.Handlers;
import io.meshwork.LoadBalancing;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.NodeId;
import io.meshwork.RetryPolicy;
import io.meshwork.Target;
import io.meshwork.core.metrics.MicrometerMetrics;
import io.meshwork.error.CircuitOpenException;
import io.meshwork.membership.MemberStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.meshwork.membership.MembershipOptions;
import io.meshwork.testkit.sim.Faults;
import io.meshwork.testkit.sim.SimCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Target.anyServing over the simulated network: strategies, failover, members coming back. */
@DisplayName("Load balancing over the members serving a route")
class LoadBalancingTest {

  private static final Duration LIMIT = Duration.ofMinutes(2);
  private static final int CALLS = 600;
  private static final int IN_FLIGHT = 16;

  /** n0 calls; n1, n2, n3 serve "work"; n2 answers 20 ms later each way. */
  private static SimCluster cluster(long seed) {
    AtomicInteger launched = new AtomicInteger();
    SimCluster c =
        SimCluster.seeded(seed, MembershipOptions.defaults())
            .configure(b -> {
              int i = launched.getAndIncrement();
              return i == 0
                  ? b
                  : b.route("work", Handlers.requestResponse(m -> Mono.just(m.reply("n" + i))));
            })
            .start(4);
    c.runUntil(SimCluster::converged, LIMIT);
    c.network().faults(Faults.none().delay(Duration.ofMillis(1), Duration.ofMillis(2)));
    c.network().slow(c.node(2).address(), Duration.ofMillis(20));
    return c;
  }

  /** Who served each of {@link #CALLS} calls made {@link #IN_FLIGHT} at a time. */
  private static Map<String, Long> shares(SimCluster c, LoadBalancing strategy) {
    Node caller = c.node(0).node();
    Target t = Target.anyServing("work").balancedBy(strategy);
    CompletableFuture<List<String>> served =
        Flux.range(0, CALLS)
            .flatMap(i -> caller.request(t, Message.of("work", "w" + i)), IN_FLIGHT)
            .map(reply -> reply.sender().value())
            .collectList()
            .toFuture();
    c.runUntil(x -> served.isDone(), LIMIT);
    return new TreeMap<>(served.join().stream().collect(Collectors.groupingBy(s -> s, Collectors.counting())));
  }

  private static double share(Map<String, Long> shares, String member) {
    return shares.getOrDefault(member, 0L) / (double) CALLS;
  }

  @Test
  @DisplayName("with one member slow, least-outstanding and latency-weighted send it less than round robin")
  void slowMemberGetsLess() {
    Map<LoadBalancing, Map<String, Long>> byStrategy = new TreeMap<>();
    for (LoadBalancing s : LoadBalancing.values()) {
      SimCluster c = cluster(7);
      byStrategy.put(s, shares(c, s));
      c.stop();
    }
    byStrategy.forEach((s, m) -> System.out.printf(
        "%s: shares of %d calls, %d in flight, n2 slow by 20 ms each way: %s (n2 %.1f %%)%n",
        s, CALLS, IN_FLIGHT, m, 100 * share(m, "n2")));
    double rr = share(byStrategy.get(LoadBalancing.ROUND_ROBIN), "n2");
    assertThat(rr).isBetween(0.30, 0.37);
    assertThat(share(byStrategy.get(LoadBalancing.LEAST_OUTSTANDING), "n2")).isLessThan(rr * 0.75);
    assertThat(share(byStrategy.get(LoadBalancing.LATENCY_WEIGHTED), "n2")).isLessThan(rr * 0.5);
  }

  @Test
  @DisplayName("a call that fails on a crashed member is retried on another; the member, back, gets traffic again")
  void failoverAndReadmission() {
    SimCluster c = cluster(8);
    c.network().slow(c.node(2).address(), Duration.ZERO);
    Node caller = c.node(0).node();
    c.node(3).crash(); // not yet detected: still in the view
    assertThat(caller.membership().member(NodeId.of("n3")).orElseThrow().isLive()).isTrue();
    CallOptions retry =
        CallOptions.defaults().retry(RetryPolicy.backoff(3, Duration.ofMillis(10)));
    for (int i = 0; i < 6; i++) {
      CompletableFuture<Message> r =
          caller.request(Target.anyServing("work"), Message.of("work"), retry).toFuture();
      c.runUntil(x -> r.isDone(), LIMIT);
      assertThat(r.join().sender().value()).isIn("n1", "n2");
    }
    c.runUntil(x -> x.allSee(NodeId.of("n3"), MemberStatus.DEAD), LIMIT);
    c.node(3).restart();
    c.runUntil(x -> x.allSee(NodeId.of("n3"), MemberStatus.ALIVE), LIMIT);
    Map<String, Long> after = shares(c, LoadBalancing.ROUND_ROBIN);
    assertThat(after).containsOnlyKeys("n1", "n2", "n3");
    assertThat(share(after, "n3")).isBetween(0.30, 0.37);
    c.stop();
  }

  @Test
  @DisplayName("a member cut off from the caller: its breaker opens, calls skip it or fail fast, half-open probes let it back")
  void circuitBreaker() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger launched = new AtomicInteger();
    SimCluster c =
        SimCluster.seeded(9, MembershipOptions.defaults())
            .configure(b -> {
              int i = launched.getAndIncrement();
              b.metrics(MicrometerMetrics.of(registry))
                  .circuitBreakers(CircuitBreakerOptions.defaults().openDuration(Duration.ofSeconds(2)));
              if (i == 3) {
                b.route("solo", Handlers.requestResponse(m -> Mono.just(m.reply("solo"))));
              }
              return i == 0
                  ? b
                  : b.route("work", Handlers.requestResponse(m -> Mono.just(m.reply("ok"))));
            })
            .start(4);
    c.runUntil(SimCluster::converged, LIMIT);
    Node caller = c.node(0).node();
    c.network().partition(List.of(c.node(0).address()), List.of(c.node(3).address()));
    CallOptions once = CallOptions.defaults().timeout(Duration.ofMillis(200)).retry(RetryPolicy.none());

    // n3 alone serves "solo": after 10 failures in its window its breaker opens and calls fail at once
    List<Throwable> errors = new java.util.ArrayList<>();
    for (int i = 0; i < 11; i++) {
      CompletableFuture<Message> r = caller.request(Target.anyServing("solo"), Message.of("solo"), once).toFuture();
      c.runUntil(x -> r.isDone(), LIMIT);
      errors.add(r.handle((m, e) -> e).join());
    }
    assertThat(errors.subList(0, 10))
        .allSatisfy(e -> assertThat(e).isNotNull().isNotInstanceOf(CircuitOpenException.class));
    assertThat(errors.get(10)).isInstanceOf(CircuitOpenException.class);
    assertThat(transitions(registry, "n3", "open")).isEqualTo(1);

    // "work": the load balancer skips the open member
    Map<String, Long> whileOpen = shares(c, LoadBalancing.ROUND_ROBIN);
    assertThat(whileOpen).containsOnlyKeys("n1", "n2");

    // healed, and the (configured, 2 s) open period over: probes close the breaker, n3 is back
    c.network().heal();
    c.advance(Duration.ofMillis(2100));
    Map<String, Long> after = shares(c, LoadBalancing.ROUND_ROBIN);
    System.out.printf("breaker: shares while n3's breaker was open %s, after it closed %s%n", whileOpen, after);
    assertThat(after).containsKeys("n1", "n2", "n3");
    assertThat(transitions(registry, "n3", "half_open")).isEqualTo(1);
    assertThat(transitions(registry, "n3", "closed")).isEqualTo(1);
    c.stop();
  }

  private static double transitions(SimpleMeterRegistry registry, String member, String to) {
    return registry.find("meshwork.breaker.transitions").tag("node", "n0").tag("member", member)
        .tag("to", to).counters().stream().mapToDouble(x -> x.count()).sum();
  }
}
