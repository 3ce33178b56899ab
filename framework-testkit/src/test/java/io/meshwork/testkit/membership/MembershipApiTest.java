package io.meshwork.testkit.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.NodeId;
import io.meshwork.Target;
import io.meshwork.error.UnreachableException;
import io.meshwork.membership.Member;
import io.meshwork.membership.MemberStatus;
import io.meshwork.membership.MembershipEvent;
import io.meshwork.membership.MembershipEvent.Type;
import io.meshwork.membership.MembershipOptions;
import io.meshwork.Address;
import io.meshwork.Node;
import io.meshwork.testkit.sim.SimCluster;
import io.meshwork.testkit.sim.SimulatedNetwork;
import io.meshwork.testkit.sim.SimCluster.SimNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/** What a user of {@code node.membership()} and {@code Target.anyServing} relies on. */
@DisplayName("The membership API: view, events, metadata, leave, service discovery")
class MembershipApiTest {

  private static final MembershipOptions OPTIONS = MembershipOptions.defaults();
  private static final Duration LIMIT = Duration.ofMinutes(2);

  @Test
  @DisplayName("a late subscriber gets the current view first, then the changes")
  void eventsReplayTheView() {
    SimCluster c = SimCluster.seeded(1, OPTIONS).start(6);
    c.runUntil(SimCluster::converged, LIMIT);
    List<MembershipEvent> seen = new ArrayList<>();
    Disposable d = c.node(2).node().membership().events().subscribe(seen::add);
    assertThat(seen).hasSize(6).allMatch(e -> e.type() == Type.JOINED && e.previous() == null);
    assertThat(seen).extracting(e -> e.member().id().value())
        .containsExactly("n0", "n1", "n2", "n3", "n4", "n5");
    c.node(4).crash();
    c.runUntil(x -> x.allSee(NodeId.of("n4"), MemberStatus.DEAD), LIMIT);
    assertThat(seen.subList(6, seen.size()))
        .extracting(MembershipEvent::type)
        .containsExactly(Type.SUSPECTED, Type.DEAD);
    assertThat(seen.get(seen.size() - 1).previous().status()).isEqualTo(MemberStatus.SUSPECT);
    d.dispose();
    c.stop();
  }

  @Test
  @DisplayName("new metadata reaches every member with a higher incarnation")
  void metadataChanges() {
    SimCluster c =
        SimCluster.seeded(2, OPTIONS).configure(b -> b.metadata("zone", "eu-1")).start(8);
    c.runUntil(SimCluster::converged, LIMIT);
    Member before = c.node(0).node().membership().member(NodeId.of("n3")).orElseThrow();
    assertThat(before.metadata()).containsEntry("zone", "eu-1");
    assertThat(before.routes()).contains("echo");
    c.node(3).node().membership().updateMetadata(Map.of("zone", "us-2")).subscribe();
    Duration took =
        c.runUntil(
            x -> x.running().stream().allMatch(n ->
                n.node().membership().member(NodeId.of("n3")).orElseThrow()
                    .metadata().equals(Map.of("zone", "us-2"))),
            LIMIT);
    assertThat(took).isLessThan(OPTIONS.disseminationTime(8).plus(OPTIONS.period()));
    assertThat(c.count(Type.METADATA_CHANGED)).isEqualTo(7);
    assertThat(c.node(0).node().membership().member(NodeId.of("n3")).orElseThrow().incarnation())
        .isGreaterThan(before.incarnation());
    // metadata no node could decode is refused here, not gossiped (it would make n3 unreadable)
    CompletableFuture<Void> tooBig =
        c.node(3).node().membership().updateMetadata(Map.of("caps", "x".repeat(300))).toFuture();
    assertThat(tooBig).isCompletedExceptionally();
    assertThat(c.node(0).node().membership().member(NodeId.of("n3")).orElseThrow().metadata())
        .isEqualTo(Map.of("zone", "us-2"));
    c.stop();
  }

  @Test
  @DisplayName("a node that shuts down is LEFT everywhere at once, not DEAD after a timeout")
  void gracefulLeave() {
    SimCluster c = SimCluster.seeded(3, OPTIONS).start(10);
    c.runUntil(SimCluster::converged, LIMIT);
    SimNode leaver = c.node(7);
    leaver.shutdown();
    Duration took = c.runUntil(x -> x.allSee(leaver.id(), MemberStatus.LEFT), LIMIT);
    assertThat(took).isLessThan(OPTIONS.period().multipliedBy(2));
    assertThat(c.count(Type.LEFT)).isEqualTo(9);
    assertThat(c.count(Type.DEAD)).isZero();
    assertThat(c.count(Type.SUSPECTED)).isZero();
    c.stop();
  }

  @Test
  @DisplayName("Target.anyServing spreads calls round robin over the live members serving the route")
  void anyServing() throws Exception {
    AtomicInteger launched = new AtomicInteger();
    SimCluster c =
        SimCluster.seeded(4, OPTIONS)
            .configure(b -> {
              int i = launched.getAndIncrement();
              // n1, n3, n5 serve "orders"; the others do not
              return i % 2 == 1
                  ? b.route("orders", Handlers.requestResponse(m -> Mono.just(m.reply("n" + i))))
                  : b;
            })
            .start(6);
    c.runUntil(SimCluster::converged, LIMIT);
    var caller = c.node(0).node();
    List<String> servedBy = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      CompletableFuture<Message> r =
          caller.request(Target.anyServing("orders"), Message.of("orders", "o" + i)).toFuture();
      c.advance(Duration.ofMillis(50));
      servedBy.add(r.get().payloadAsString());
    }
    assertThat(servedBy).containsExactly("n1", "n3", "n5", "n1", "n3", "n5");

    c.node(3).crash();
    c.runUntil(x -> x.allSee(NodeId.of("n3"), MemberStatus.DEAD), LIMIT);
    servedBy.clear();
    for (int i = 0; i < 4; i++) {
      CompletableFuture<Message> r =
          caller.request(Target.anyServing("orders"), Message.of("orders", "o" + i)).toFuture();
      c.advance(Duration.ofMillis(50));
      servedBy.add(r.get().payloadAsString());
    }
    assertThat(servedBy).containsOnly("n1", "n5").contains("n1", "n5");

    CompletableFuture<Message> none =
        caller
            .request(
                Target.anyServing("payments"),
                Message.of("payments"),
                caller.callOptions().retry(io.meshwork.RetryPolicy.none()))
            .toFuture();
    c.advance(Duration.ofMillis(50));
    assertThat(none).isCompletedExceptionally();
    try {
      none.get();
    } catch (ExecutionException e) {
      assertThat(e.getCause())
          .isInstanceOf(UnreachableException.class)
          .hasMessageContaining("serves route 'payments'");
    }
    c.stop();
  }

  @Test
  @DisplayName("phi stays low for a member that answers and rises for one that stopped")
  void phiSuspicion() {
    SimCluster c = SimCluster.seeded(5, OPTIONS).start(4);
    c.runUntil(SimCluster::converged, LIMIT);
    c.advance(OPTIONS.period().multipliedBy(30));
    var observer = c.node(0).node().membership();
    assertThat(observer.suspicion(NodeId.of("n2"))).isLessThan(1.0);
    assertThat(observer.suspicion(observer.self().id())).isZero();
    c.node(2).pause(); // silent, connections open
    c.advance(OPTIONS.period().multipliedBy(8));
    assertThat(observer.suspicion(NodeId.of("n2"))).isGreaterThan(3.0);
    c.stop();
  }

  @Test
  @DisplayName("a member cut off from one prober is vouched for by others: no suspicion (indirect probes)")
  void indirectProbes() {
    SimCluster c = SimCluster.seeded(6, OPTIONS).start(8);
    c.runUntil(SimCluster::converged, LIMIT);
    c.network().partition(List.of(c.node(1).address()), List.of(c.node(3).address()));
    c.advance(OPTIONS.period().multipliedBy(100));
    assertThat(c.count(Type.SUSPECTED)).isZero();
    assertThat(c.converged()).isTrue();
    c.stop();

    // without indirect probes the same cut makes n1 and n3 suspect each other
    SimCluster direct = SimCluster.seeded(6, OPTIONS.withIndirectProbes(0)).start(8);
    direct.runUntil(SimCluster::converged, LIMIT);
    direct.network().partition(List.of(direct.node(1).address()), List.of(direct.node(3).address()));
    direct.advance(OPTIONS.period().multipliedBy(100));
    assertThat(direct.count(Type.SUSPECTED)).isPositive();
    direct.stop();
  }

  @Test
  @DisplayName("a node whose seed is not up yet keeps trying it with backoff, and joins once it is")
  void joinRetriesWithBackoff() {
    SimulatedNetwork net = SimulatedNetwork.seeded(12);
    Address seedAt = Address.of("seed", 7000);
    Node early =
        Node.builder().id("early").bind("early", 7000).seeds(List.of(seedAt)).transport(net)
            .environment(net.environment()).build();
    CompletableFuture<Node> started = early.start().toFuture();
    net.advance(Duration.ofSeconds(1));
    assertThat(started).isCompleted(); // start does not wait for a seed that is not there
    net.advance(Duration.ofSeconds(20)); // tries again, backing off
    Node seed =
        Node.builder().id("seed").bind(seedAt).transport(net).environment(net.environment()).build();
    seed.start().toFuture();
    Duration waited = Duration.ZERO;
    while (seed.membership().member(NodeId.of("early")).isEmpty() && waited.toSeconds() < 60) {
      net.advance(Duration.ofMillis(100));
      waited = waited.plusMillis(100);
    }
    assertThat(seed.membership().members()).extracting(m -> m.id().value()).containsExactly("early", "seed");
    assertThat(early.membership().members()).extracting(m -> m.id().value()).containsExactly("early", "seed");
    assertThat(waited).isLessThanOrEqualTo(Duration.ofSeconds(31)); // the backoff is capped at 30 s
    assertThat(net.trace()).filteredOn(e -> e.contains("refused early:7000>seed:7000")).hasSizeGreaterThan(2);
  }
}
