package io.meshwork.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.CallOptions;
import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.RetryPolicy;
import io.meshwork.Target;
import io.meshwork.error.CallTimeoutException;
import io.meshwork.error.ConnectionClosedException;
import io.meshwork.error.UnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@DisplayName("The simulated network: virtual time, seeded faults, injected partitions and crashes")
class SimulatedNetworkTest {

  private static final int SEEDS = Integer.getInteger("meshwork.sim.seeds", 50);

  private static Node node(SimulatedNetwork net, String id, CallOptions options) {
    return Node.builder()
        .id(id)
        .bind(id, 0)
        .transport(net)
        .environment(net.environment())
        .callOptions(options)
        .route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))))
        .route("ticks", Handlers.stream(m -> Flux.range(0, 3).map(i -> m.reply("t" + i))))
        .build()
        .start()
        .block();
  }

  private static CallOptions noRetry(Duration timeout) {
    return CallOptions.defaults().timeout(timeout).retry(RetryPolicy.none());
  }

  /** The failure of a call that must already be over: a test never waits on virtual time. */
  private static Throwable failure(CompletableFuture<?> f) {
    assertThat(f).as("the call is over").isDone();
    try {
      f.get();
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("a reply arrives only once virtual time has carried the request there and back")
  void deliveryTakesVirtualTime() {
    SimulatedNetwork net =
        SimulatedNetwork.seeded(1).faults(Faults.none().delay(Duration.ofMillis(5), Duration.ofMillis(5)));
    Node a = node(net, "a", noRetry(Duration.ofSeconds(1)));
    Node b = node(net, "b", noRetry(Duration.ofSeconds(1)));
    CompletableFuture<Message> reply =
        a.request(Target.address(b.address()), Message.of("echo", "hi")).toFuture();
    net.advance(Duration.ofMillis(9));
    assertThat(reply).isNotDone();
    net.advance(Duration.ofMillis(1));
    assertThat(reply).isCompletedWithValueMatching(m -> m.payloadAsString().equals("hi"));
    CompletableFuture<List<Message>> ticks =
        a.stream(Target.address(b.address()), Message.of("ticks")).collectList().toFuture();
    net.advance(Duration.ofMillis(5));
    assertThat(ticks).isCompletedWithValueMatching(l -> l.size() == 3);
  }

  @Test
  @DisplayName("faults can be set per link and direction: a slow one-way link, the way back fast")
  void perLinkFaults() {
    SimulatedNetwork net =
        SimulatedNetwork.seeded(2).faults(Faults.none().delay(Duration.ofMillis(1), Duration.ofMillis(1)));
    Node a = node(net, "a", noRetry(Duration.ofSeconds(1)));
    Node b = node(net, "b", noRetry(Duration.ofSeconds(1)));
    Node c = node(net, "c", noRetry(Duration.ofSeconds(1)));
    net.faults(a.address(), b.address(), Faults.none().delay(Duration.ofMillis(50), Duration.ofMillis(50)));
    CompletableFuture<Message> toB =
        a.request(Target.address(b.address()), Message.of("echo", "b")).toFuture();
    CompletableFuture<Message> toC =
        a.request(Target.address(c.address()), Message.of("echo", "c")).toFuture();
    net.advance(Duration.ofMillis(2));
    assertThat(toC).isCompleted(); // 1 ms there, 1 ms back
    assertThat(toB).isNotDone();
    net.advance(Duration.ofMillis(49)); // 50 ms there, 1 ms back: b>a is not slowed
    assertThat(toB).isCompleted();
    net.faults(a.address(), b.address(), Faults.lossy(1.0)); // a to b now loses everything
    CompletableFuture<Message> lost =
        a.request(Target.address(b.address()), Message.of("echo", "x")).toFuture();
    // Sent at 51 ms: the deadline (1.051 s) falls between two 10 ms sweeps of the node's timer.
    net.advance(Duration.ofMillis(999)); // 1.050 s: the last sweep before the deadline
    assertThat(lost).isNotDone();
    net.advance(Duration.ofMillis(10));
    assertThat(failure(lost)).isInstanceOf(CallTimeoutException.class);
    net.faults(a.address(), b.address(), null);
    CompletableFuture<Message> back =
        a.request(Target.address(b.address()), Message.of("echo", "y")).toFuture();
    net.advance(Duration.ofMillis(2));
    assertThat(back).isCompleted();
  }

  @Test
  @DisplayName("a lost request ends in the caller's timeout, at exactly the virtual deadline")
  void lossEndsInTimeout() {
    SimulatedNetwork net = SimulatedNetwork.seeded(2).faults(Faults.lossy(1.0));
    Node a = node(net, "a", noRetry(Duration.ofSeconds(2)));
    Node b = node(net, "b", noRetry(Duration.ofSeconds(2)));
    CompletableFuture<Message> reply =
        a.request(Target.address(b.address()), Message.of("echo")).toFuture();
    net.advance(Duration.ofMillis(1999));
    assertThat(reply).isNotDone();
    net.advance(Duration.ofMillis(1));
    assertThat(failure(reply)).isInstanceOf(CallTimeoutException.class);
  }

  @Test
  @DisplayName("an idempotent call over a lossy link succeeds through retries on the virtual clock")
  void retriesOvercomeLoss() {
    SimulatedNetwork net = SimulatedNetwork.seeded(3).faults(Faults.lossy(0.5));
    CallOptions retrying =
        CallOptions.defaults()
            .timeout(Duration.ofMillis(100))
            .retry(RetryPolicy.backoff(30, Duration.ofMillis(10)).deadline(Duration.ofMinutes(1)))
            .idempotent(true);
    Node a = node(net, "a", retrying);
    Node b = node(net, "b", retrying);
    List<CompletableFuture<Message>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(a.request(Target.address(b.address()), Message.of("echo", "m" + i)).toFuture());
    }
    net.advance(Duration.ofMinutes(1));
    assertThat(calls).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    assertThat(net.trace()).anyMatch(e -> e.contains("lost rr:echo"));
  }

  @Test
  @DisplayName("a partition cuts calls both ways; healing restores them")
  void partitionAndHeal() {
    SimulatedNetwork net = SimulatedNetwork.seeded(4);
    Node a = node(net, "a", noRetry(Duration.ofSeconds(1)));
    Node b = node(net, "b", noRetry(Duration.ofSeconds(1)));
    net.partition(List.of(a.address()), List.of(b.address()));
    CompletableFuture<Message> cut =
        a.request(Target.address(b.address()), Message.of("echo")).toFuture();
    net.advance(Duration.ofSeconds(1));
    assertThat(failure(cut)).isInstanceOf(UnreachableException.class); // no connection could be made
    net.heal();
    CompletableFuture<Message> healed =
        a.request(Target.address(b.address()), Message.of("echo", "ok")).toFuture();
    net.advance(Duration.ofMillis(10));
    assertThat(healed).isCompletedWithValueMatching(m -> m.payloadAsString().equals("ok"));
  }

  @Test
  @DisplayName("a crash fails the calls in flight to the crashed node with ConnectionClosedException")
  void crashFailsInFlightCalls() {
    SimulatedNetwork net =
        SimulatedNetwork.seeded(5).faults(Faults.none().delay(Duration.ofMillis(50), Duration.ofMillis(50)));
    Node a = node(net, "a", noRetry(Duration.ofSeconds(10)));
    Node b = node(net, "b", noRetry(Duration.ofSeconds(10)));
    a.request(Target.address(b.address()), Message.of("echo")).toFuture();
    net.advance(Duration.ofMillis(200)); // connected
    CompletableFuture<Message> inFlight =
        a.request(Target.address(b.address()), Message.of("echo")).toFuture();
    net.advance(Duration.ofMillis(10));
    net.crash(b.address());
    net.advance(Duration.ofMillis(1));
    assertThat(failure(inFlight)).isInstanceOf(ConnectionClosedException.class);
  }

  /** A busy three-node run whose every choice comes from the seed. */
  private static long scenario(long seed) {
    SplittableRandom draws = new SplittableRandom(seed ^ 0x5DEECE66DL);
    SimulatedNetwork net = SimulatedNetwork.seeded(seed).faults(Faults.random(draws));
    CallOptions options =
        CallOptions.defaults()
            .timeout(Duration.ofMillis(300))
            .retry(RetryPolicy.backoff(4, Duration.ofMillis(20)))
            .idempotent(true);
    List<Node> nodes = List.of(node(net, "a", options), node(net, "b", options), node(net, "c", options));
    AtomicInteger outcomes = new AtomicInteger();
    for (int i = 0; i < 200; i++) {
      Node from = nodes.get(draws.nextInt(3));
      Node to = nodes.get(draws.nextInt(3));
      from.request(Target.address(to.address()), Message.of("echo", "m" + i))
          .subscribe(m -> outcomes.incrementAndGet(), e -> outcomes.incrementAndGet());
      if (draws.nextInt(10) == 0) {
        Node side = nodes.get(draws.nextInt(3));
        net.partition(List.of(side.address()), List.of(nodes.get((nodes.indexOf(side) + 1) % 3).address()));
      }
      if (draws.nextInt(10) == 0) {
        net.heal();
      }
      net.advance(Duration.ofMillis(draws.nextInt(1, 50)));
    }
    net.heal();
    net.advance(Duration.ofSeconds(10));
    assertThat(outcomes.get()).as("every call ends, seed %d", seed).isEqualTo(200);
    return net.traceHash();
  }

  @Test
  @DisplayName("determinism: one seed replays the same trace, different seeds differ")
  void sameSeedSameTrace() {
    long replay = Long.getLong("meshwork.sim.seed", -1L);
    List<Long> seeds = new ArrayList<>();
    if (replay >= 0) {
      seeds.add(replay);
    } else {
      for (long s = 1; s <= SEEDS; s++) {
        seeds.add(s * 7919);
      }
    }
    List<Long> hashes = new ArrayList<>();
    for (long seed : seeds) {
      long first;
      long second;
      try {
        first = scenario(seed);
        second = scenario(seed);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "Seed " + seed + " failed; replay with -Dmeshwork.sim.seed=" + seed, e);
      }
      assertThat(second)
          .as("seed %d replays differently; replay with -Dmeshwork.sim.seed=%d", seed, seed)
          .isEqualTo(first);
      hashes.add(first);
    }
    assertThat(hashes).doesNotHaveDuplicates();
  }
}
