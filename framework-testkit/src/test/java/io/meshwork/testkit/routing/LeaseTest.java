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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * RSocket leases over real TCP on loopback: a peer's calls beyond its permits wait at the caller
 * instead of reaching the node to be refused, and beyond the caller's pending queue they are
 * refused there, typed, without touching the node.
 */
@DisplayName("Leases: calls beyond a connection's permits wait at the caller")
@Timeout(60)
class LeaseTest {

  private static final Duration CALL = Duration.ofSeconds(20);
  private static final int PERMITS = 8;

  private final LoopbackNodes nodes = new LoopbackNodes(CALL);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SlowHandler handler = new SlowHandler();

  @AfterEach
  void stop() {
    nodes.stopAll();
  }

  private Node node(String id, int pending, boolean server) {
    return nodes.start(
        id,
        t -> t.leases(PERMITS, pending),
        b ->
            server
                ? b.metrics(MicrometerMetrics.of(registry))
                    .route("slow", Handlers.requestResponse(m -> handler.slowly(Mono.just(m.reply("done")))))
                    .route("sink", (FireAndForgetHandler) m -> handler.slowly(Mono.<Void>empty()))
                : b);
  }

  private double refusedByServer() {
    return LoopbackNodes.refused(registry, null);
  }

  @Test
  @DisplayName("200 requests at once with 8 permits: all served, at most 8 running, none refused")
  void callsWaitForPermits() {
    Node server = node("server", 256, true);
    Node client = node("client", 256, false);
    Target at = Target.address(server.address());

    List<Message> replies =
        Flux.range(0, 200)
            .flatMap(i -> client.request(at, Message.of("slow", "x")), 200)
            .collectList()
            .block(CALL);

    System.out.printf("leases: 200 requests served, handlers at once peaked at %d (permits %d)%n",
        handler.peak(), PERMITS);
    assertThat(replies).hasSize(200);
    assertThat(handler.peak()).isLessThanOrEqualTo(PERMITS);
    assertThat(refusedByServer()).isZero();
  }

  @Test
  @DisplayName("beyond the caller's pending queue, calls and sends fail at the caller, typed")
  void beyondPendingRefusedAtTheCaller() {
    Node server = node("server", 16, true);
    Node client = node("client", 16, false);
    Target at = Target.address(server.address());

    AtomicLong served = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    Flux.range(0, 100)
        .flatMap(
            i ->
                (i % 2 == 0
                        ? client.request(at, Message.of("slow", "x")).then()
                        : client.send(at, Message.of("sink", "x")))
                    .doOnSuccess(v -> served.incrementAndGet())
                    .onErrorResume(
                        RejectedException.class,
                        e -> {
                          refused.incrementAndGet();
                          return Mono.empty();
                        }),
            100)
        .then()
        .block(CALL);
    // every send that got a permit is handled eventually
    Awaitility.await().atMost(CALL).until(() -> handler.ended() == served.get());

    System.out.printf(
        "leases: %d of 100 served, %d refused at the caller; handlers at once peaked at %d%n",
        served.get(), refused.get(), handler.peak());
    assertThat(served.get() + refused.get()).isEqualTo(100);
    assertThat(refused.get()).isPositive(); // 100 at once > 8 permits + 16 pending
    // at least the pending ones, and the permitted ones if the first lease had arrived
    assertThat(served.get()).isBetween(16L, PERMITS + 16L);
    assertThat(handler.peak()).isLessThanOrEqualTo(PERMITS);
    assertThat(refusedByServer()).isZero(); // the node never saw the refused ones
  }
}
