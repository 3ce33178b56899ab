package io.meshwork.core.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshwork.BroadcastOptions;
import io.meshwork.CallOptions;
import io.meshwork.Delivery;
import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.NodeId;
import io.meshwork.RequestChannelHandler;
import io.meshwork.RetryPolicy;
import io.meshwork.membership.MemberStatus;
import io.meshwork.core.memory.InMemoryTransport;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.Responder;
import io.meshwork.transport.Transport;
import io.meshwork.transport.TransportBinding;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import io.meshwork.error.OverflowException;
import io.meshwork.error.UnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

@DisplayName("Broadcast: one delivery per member, and no member holds up or fails the others")
class BroadcastTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final CrashableTransport network = new CrashableTransport();

  /** The in-memory transport, plus crashes: a node's binding closes and it says nothing. */
  private static final class CrashableTransport implements Transport {
    private final InMemoryTransport inner = InMemoryTransport.create();
    private final Map<NodeId, TransportBinding> bindings = new ConcurrentHashMap<>();

    @Override
    public Mono<TransportBinding> bind(PeerInfo local, Responder responder) {
      return inner.bind(local, responder).doOnNext(b -> bindings.put(local.id(), b));
    }

    void crash(NodeId id) {
      bindings.get(id).dispose();
    }
  }
  private final List<Node> nodes = new ArrayList<>();
  private final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();

  private Node start(String id, RequestChannelHandler feed, Node... seeds) {
    Node n =
        Node.builder()
            .id(id)
            .transport(network)
            .callOptions(CallOptions.defaults().timeout(Duration.ofSeconds(2)).retry(RetryPolicy.none()))
            .seeds(List.of(seeds).stream().map(Node::address).toList())
            .route("news", Handlers.fireAndForget(m -> received.add(id + ":" + m.payloadAsString())))
            .route("ask", Handlers.requestResponse(m -> Mono.just(m.reply("yes from " + id))))
            .route("feed", feed)
            .build();
    nodes.add(n);
    return n.start().block(TIMEOUT);
  }

  private Node start(String id, Node... seeds) {
    return start(id, in -> in.map(m -> m.reply("ok")), seeds);
  }

  @AfterEach
  void stop() {
    nodes.forEach(n -> n.shutdown().block(TIMEOUT));
  }

  private static List<Delivery> sorted(List<Delivery> d) {
    List<Delivery> copy = new ArrayList<>(d);
    copy.sort(Comparator.comparing(Delivery::member));
    return copy;
  }

  @Test
  @DisplayName("fire-and-forget reaches every other member, one delivery each")
  void fireAndForget() {
    Node a = start("a");
    Node b = start("b", a);
    start("c", a, b);
    StepVerifier.create(b.broadcast(Message.of("news", "v2")).collectList().map(BroadcastTest::sorted))
        .assertNext(
            d -> {
              assertThat(d).extracting(Delivery::member).containsExactly(NodeId.of("a"), NodeId.of("c"));
              assertThat(d).allMatch(Delivery::isSuccess);
            })
        .verifyComplete();
    StepVerifier.create(Flux.interval(Duration.ofMillis(10)).filter(t -> received.size() == 2).next())
        .expectNextCount(1)
        .verifyComplete();
    assertThat(received).containsExactlyInAnyOrder("a:v2", "c:v2");
  }

  @Test
  @DisplayName("acknowledged broadcast carries each member's reply, self included when asked")
  void acknowledged() {
    Node a = start("a");
    start("b", a);
    StepVerifier.create(
            a.broadcast(Message.of("ask"), BroadcastOptions.acknowledged().includeSelf(true))
                .collectList()
                .map(BroadcastTest::sorted))
        .assertNext(
            d ->
                assertThat(d)
                    .extracting(x -> x.reply().payloadAsString())
                    .containsExactly("yes from a", "yes from b"))
        .verifyComplete();
  }

  @Test
  @DisplayName("a member that left is no longer a target")
  void leftMember() {
    Node a = start("a");
    Node b = start("b", a);
    Node c = start("c", a, b);
    c.shutdown().block(TIMEOUT);
    // LEFT is written before shutdown completes; a applies it on its own protocol loop
    await().atMost(Duration.ofSeconds(2))
        .until(() -> a.membership().member(c.id()).orElseThrow().status() == MemberStatus.LEFT);
    StepVerifier.create(a.broadcast(Message.of("ask"), BroadcastOptions.acknowledged()).collectList().map(BroadcastTest::sorted))
        .assertNext(d -> assertThat(d).extracting(Delivery::member).containsExactly(b.id()))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  @DisplayName("a crashed member, not yet detected, fails only its own delivery")
  void deadMember() {
    Node a = start("a");
    Node b = start("b", a);
    Node c = start("c", a, b);
    network.crash(c.id()); // no LEFT said: the others still count it a member
    assertThat(a.membership().members()).extracting(m -> m.id()).contains(c.id());
    StepVerifier.create(a.broadcast(Message.of("ask"), BroadcastOptions.acknowledged()).collectList().map(BroadcastTest::sorted))
        .assertNext(
            d -> {
              assertThat(d).hasSize(2);
              assertThat(d.get(0).member()).isEqualTo(b.id());
              assertThat(d.get(0).isSuccess()).isTrue();
              assertThat(d.get(1).member()).isEqualTo(c.id());
              assertThat(d.get(1).failure()).isInstanceOf(UnreachableException.class);
            })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  @DisplayName("a live stream: a fast member gets everything, a stalled one drops the oldest, counted")
  void streamWithSlowMember() {
    AtomicLong fastSeen = new AtomicLong();
    Node a = start("a");
    start("fast", in -> in.doOnNext(m -> fastSeen.incrementAndGet()).map(m -> m.reply("ok")), a);
    // The stalled member asks for one message, then never again.
    start("stalled", in -> in.concatMap(m -> Mono.<Message>never(), 1), a);
    Flux<Message> live =
        Flux.interval(Duration.ofMillis(1)).take(300).map(i -> Message.of("feed", Long.toString(i)));
    StepVerifier.create(
            a.broadcast(live, BroadcastOptions.fireAndForget().buffer(16, BroadcastOptions.Overflow.DROP_OLDEST))
                .take(1))
        .assertNext(
            d -> {
              assertThat(d.member()).isEqualTo(NodeId.of("fast"));
              assertThat(d.isSuccess()).isTrue();
              assertThat(d.sent()).isEqualTo(300);
              assertThat(d.dropped()).isZero();
            })
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(fastSeen).hasValue(300);
  }

  @Test
  @DisplayName("a member slower than the source loses the oldest messages, counted, and gets the rest")
  void dropOldestIsCounted() {
    Node a = start("a");
    start("slow", in -> in.concatMap(m -> Mono.delay(Duration.ofMillis(5)).thenReturn(m.reply("ok")), 1), a);
    Flux<Message> live =
        Flux.interval(Duration.ofMillis(1)).take(200).map(i -> Message.of("feed", Long.toString(i)));
    StepVerifier.create(
            a.broadcast(live, BroadcastOptions.fireAndForget().buffer(16, BroadcastOptions.Overflow.DROP_OLDEST)))
        .assertNext(
            d -> {
              assertThat(d.member()).isEqualTo(NodeId.of("slow"));
              assertThat(d.isSuccess()).isTrue();
              assertThat(d.sent() + d.dropped()).isEqualTo(200); // nothing lost uncounted
              assertThat(d.dropped()).isGreaterThan(50); // ~5x slower than the source
            })
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  @DisplayName("with the ERROR policy a member that falls too far behind fails with OverflowException")
  void streamOverflowError() {
    Node a = start("a");
    start("stuck", in -> in.concatMap(m -> Mono.<Message>never(), 1), a); // asks for one, ever
    start("fine", a);
    Flux<Message> source =
        Flux.interval(Duration.ofMillis(1)).take(100).map(i -> Message.of("feed", Long.toString(i)));
    StepVerifier.create(
            a.broadcast(source, BroadcastOptions.fireAndForget().buffer(8, BroadcastOptions.Overflow.ERROR))
                .collectList()
                .map(BroadcastTest::sorted))
        .assertNext(
            d -> {
              assertThat(d.get(0).member()).isEqualTo(NodeId.of("fine"));
              assertThat(d.get(0).isSuccess()).isTrue();
              assertThat(d.get(1).member()).isEqualTo(NodeId.of("stuck"));
              assertThat(d.get(1).failure())
                  .isInstanceOf(OverflowException.class)
                  .hasMessageContaining("8 messages");
            })
        .expectComplete()
        .verify(TIMEOUT);
  }
}
