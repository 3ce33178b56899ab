package io.meshwork.testkit.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.FireAndForgetHandler;
import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.Target;
import io.meshwork.core.metrics.MicrometerMetrics;
import io.meshwork.error.RejectedException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Overload protection over real RSocket on loopback: a flooding peer is refused beyond the caps
 * instead of queued, the refusals are counted, memory stays flat, and another client is served.
 */
@DisplayName("Overload: beyond the caps a node answers REJECTED instead of queueing")
@Timeout(120)
class OverloadTest {

  private static final Duration CALL = Duration.ofSeconds(30);
  private static final int HANDLERS = 64;
  private static final int PER_PEER = 32;

  private final LoopbackNodes nodes = new LoopbackNodes(CALL);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SlowHandler handler = new SlowHandler();

  @AfterEach
  void stop() {
    nodes.stopAll();
  }

  private Node node(String id, java.util.function.UnaryOperator<io.meshwork.NodeBuilder> more) {
    return nodes.start(id, t -> t, more);
  }

  @Test
  @DisplayName("10^5 fire-and-forget and 10^4 requests into a slow handler: refused beyond the caps")
  void flood() {
    Node server =
        node(
            "server",
            b ->
                b.overloadLimits(HANDLERS, PER_PEER)
                    .metrics(MicrometerMetrics.of(registry))
                    .route("slow", Handlers.requestResponse(m -> handler.slowly(Mono.just(m.reply("done")))))
                    .route("sink", (FireAndForgetHandler) m -> handler.slowly(Mono.<Void>empty()))
                    .route("fast", Handlers.requestResponse(m -> Mono.just(m.reply("ok")))));
    Node flooder = node("flooder", b -> b);
    Node healthy = node("healthy", b -> b);
    Target at = Target.address(server.address());

    List<Long> unloaded = latencies(healthy, at, 200);
    long heapBefore = usedHeapAfterGc();

    AtomicLong rejected = new AtomicLong();
    AtomicLong served = new AtomicLong();
    Flux<Void> sends =
        Flux.range(0, 100_000).flatMap(i -> flooder.send(at, Message.of("sink", "x")), 512);
    Flux<Void> requests =
        Flux.range(0, 10_000)
            .flatMap(
                i ->
                    flooder
                        .request(at, Message.of("slow", "x"))
                        .doOnNext(r -> served.incrementAndGet())
                        .onErrorResume(
                            RejectedException.class,
                            e -> {
                              rejected.incrementAndGet();
                              return Mono.empty();
                            })
                        .then(),
                512);
    List<Long> loaded = Collections.synchronizedList(new ArrayList<>());
    Mono<Void> flood = Flux.merge(sends, requests).then();
    // the healthy client's calls run while the flood does
    flood
        .and(Flux.range(0, 200).concatMap(i -> timed(healthy, at).doOnNext(loaded::add)).then())
        .block(Duration.ofSeconds(90));
    long heapAfter = usedHeapAfterGc();

    double rejectedInbound = LoopbackNodes.refused(registry, null);
    double rejectedSends = LoopbackNodes.refused(registry, "fire_and_forget");
    System.out.printf(
        "flood: %d requests served, %d rejected at the caller; %.0f refusals counted by the server,"
            + " %.0f of them fire-and-forget; handlers at once peaked at %d (cap %d, per peer %d);"
            + " used heap %d MiB before, %d MiB after; healthy client p50/p99 %d/%d us unloaded,"
            + " %d/%d us during the flood%n",
        served.get(), rejected.get(), rejectedInbound, rejectedSends, handler.peak(), HANDLERS, PER_PEER,
        heapBefore >> 20, heapAfter >> 20, pct(unloaded, 50), pct(unloaded, 99),
        pct(loaded, 50), pct(loaded, 99));

    assertThat(served.get() + rejected.get()).isEqualTo(10_000);
    assertThat(rejected.get()).isPositive();
    assertThat(handler.peak()).isLessThanOrEqualTo(PER_PEER); // one flooding peer: its cap binds first
    assertThat(rejectedInbound).isEqualTo(rejected.get() + rejectedSends);
    assertThat(rejectedSends).isPositive(); // refused sends are dropped, and counted
    assertThat(heapAfter - heapBefore).isLessThan(64L << 20);
    assertThat(loaded).hasSize(200); // the healthy client was served throughout
  }

  private static Mono<Long> timed(Node client, Target at) {
    return Mono.defer(
        () -> {
          long start = System.nanoTime();
          return client
              .request(at, Message.of("fast", "ping"))
              .map(r -> (System.nanoTime() - start) / 1_000);
        });
  }

  private static List<Long> latencies(Node client, Target at, int n) {
    return Flux.range(0, n).concatMap(i -> timed(client, at)).collectList().block(CALL);
  }

  private static long pct(List<Long> micros, int p) {
    List<Long> sorted = new ArrayList<>(micros);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }
}
