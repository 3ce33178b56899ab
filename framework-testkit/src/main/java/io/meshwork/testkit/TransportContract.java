package io.meshwork.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Address;
import io.meshwork.CallOptions;
import io.meshwork.RetryPolicy;
import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.NodeBuilder;
import io.meshwork.NodeId;
import io.meshwork.Target;
import io.meshwork.error.HandlerException;
import io.meshwork.error.NoSuchRouteException;
import io.meshwork.error.PayloadTooLargeException;
import io.meshwork.error.UnreachableException;
import io.meshwork.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * The behaviour every transport must show, written once at the level users see it (nodes and
 * verbs). Extend it and say how to make the transport:
 *
 * <pre>{@code
 * class MyTransportContractTest extends TransportContract {
 *   protected Transport transport() { return MyTransport.create(); }
 *   protected Address unusedAddress() { return Address.of("127.0.0.1", 1); }
 * }
 * }</pre>
 *
 * <p>Each test starts its own nodes with ephemeral addresses and shuts them down after; {@link
 * #afterNodesStopped()} is the place for resource checks (the RSocket suite asserts there that
 * every buffer was released).
 */
public abstract class TransportContract {

  /** How long any single expectation may take before the test fails. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * Items a producer may emit beyond what the remote subscriber requested: the "small bounded
   * prefetch" of the design.
   */
  protected static final int PREFETCH_BOUND = 4;

  private final List<Node> nodes = new ArrayList<>();

  /**
   * A transport for one test. Nodes of one test share it (the in-memory transport needs that).
   *
   * @return the transport
   */
  protected abstract Transport transport();

  /**
   * An address where nothing listens.
   *
   * @return the address
   */
  protected abstract Address unusedAddress();

  /**
   * The host nodes bind to.
   *
   * @return the host, loopback by default
   */
  protected String host() {
    return "127.0.0.1";
  }

  /** Called after every test, once its nodes are shut down. */
  protected void afterNodesStopped() {}

  private @Nullable Transport shared;

  private Transport sharedTransport() {
    Transport t = shared;
    if (t == null) {
      t = transport();
      shared = t;
    }
    return t;
  }

  /**
   * Builds and starts a node on this test's transport, with every route of {@link #serving} and
   * no retries.
   *
   * @param config more configuration
   * @return the started node
   */
  protected Node startNode(UnaryOperator<NodeBuilder> config) {
    Node node =
        config
            .apply(
                serving(
                    Node.builder()
                        .bind(host(), 0)
                        .transport(sharedTransport())
                        // the transport's own behaviour, undisguised by retries
                        .callOptions(CallOptions.defaults().retry(RetryPolicy.none()))))
            .build();
    nodes.add(node);
    return node.start().block(TIMEOUT);
  }

  /**
   * Starts a node with the standard routes and nothing else.
   *
   * @return the started node
   */
  protected Node startNode() {
    return startNode(b -> b);
  }

  /** Emissions of the {@code count} route's producer, to check demand reached it. */
  protected final AtomicLong produced = new AtomicLong();

  /** Completed when the {@code count} route's stream is cancelled. */
  protected final Sinks.Empty<Void> producerCancelled = Sinks.empty();

  /** Fire-and-forget messages received by the {@code news} route, on any node. */
  protected final Sinks.Many<Message> news = Sinks.many().replay().all();

  /** Messages of the {@code count-in} channel's inbound side that the client produced. */
  protected final AtomicLong channelProduced = new AtomicLong();

  /** Requests the {@code counted} route served, counted on the serving side. */
  protected final AtomicInteger served = new AtomicInteger();

  /**
   * The routes every test node serves: {@code echo}, {@code counted}, {@code never}, {@code
   * whoami}, {@code header}, {@code boom}, {@code fail}, {@code ticks}, {@code count}, {@code
   * broken-stream}, {@code news}, {@code upper}, {@code take-5}.
   *
   * @param b the builder
   * @return the builder
   */
  protected NodeBuilder serving(NodeBuilder b) {
    return b.route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))))
        .route(
            "counted",
            Handlers.requestResponse(
                m -> Mono.fromSupplier(() -> m.reply(Integer.toString(served.incrementAndGet())))))
        .route("never", (io.meshwork.FireAndForgetHandler) m -> Mono.never())
        .route(
            "whoami",
            Handlers.requestResponse(
                m -> Mono.just(m.reply(String.valueOf(m.sender())))))
        .route(
            "header",
            Handlers.requestResponse(m -> Mono.just(m.reply(String.valueOf(m.header("k"))))))
        .route(
            "boom",
            Handlers.requestResponse(
                m -> {
                  throw new IllegalStateException("kaput");
                }))
        .route(
            "fail",
            Handlers.requestResponse(m -> Mono.error(new IllegalArgumentException("bad input"))))
        .route(
            "ticks",
            Handlers.stream(m -> Flux.range(0, 100).map(i -> m.reply(Integer.toString(i)))))
        .route(
            "count",
            Handlers.stream(
                m ->
                    Flux.<Message, Long>generate(
                            () -> 0L,
                            (i, sink) -> {
                              produced.incrementAndGet();
                              sink.next(m.reply(Long.toString(i)));
                              return i + 1;
                            })
                        .doOnCancel(producerCancelled::tryEmitEmpty)))
        .route(
            "broken-stream",
            Handlers.stream(
                m ->
                    Flux.range(0, 3)
                        .map(i -> m.reply(Integer.toString(i)))
                        .concatWith(Mono.error(new IllegalStateException("stream broke")))))
        .route(
            "news",
            Handlers.fireAndForget(m -> news.tryEmitNext(m)))
        .route(
            "upper",
            Handlers.channel(in -> in.map(m -> m.reply(m.payloadAsString().toUpperCase()))))
        .route("take-5", Handlers.channel(in -> in.take(5).map(m -> m.reply("got"))));
  }

  @AfterEach
  void stopNodes() {
    for (Node n : nodes) {
      n.shutdown().block(TIMEOUT);
    }
    nodes.clear();
    afterNodesStopped();
  }

  @Nested
  @DisplayName("the four interaction models")
  class InteractionModels {

    @Test
    @DisplayName("fire-and-forget reaches the remote handler, with the sender's id")
    void fireAndForget() {
      Node server = startNode();
      Node client = startNode();
      StepVerifier.create(client.send(Target.address(server.address()), Message.of("news", "extra")))
          .verifyComplete();
      StepVerifier.create(news.asFlux().take(1))
          .assertNext(
              m -> {
                assertThat(m.payloadAsString()).isEqualTo("extra");
                assertThat(m.sender()).isEqualTo(client.id());
              })
          .verifyComplete();
    }

    @Test
    @DisplayName("request-response returns the reply, from the server, on the called route")
    void requestResponse() {
      Node server = startNode();
      Node client = startNode();
      StepVerifier.create(client.request(Target.address(server.address()), Message.of("echo", "hi")))
          .assertNext(
              r -> {
                assertThat(r.payloadAsString()).isEqualTo("hi");
                assertThat(r.route()).isEqualTo("echo");
                assertThat(r.sender()).isEqualTo(server.id());
              })
          .expectComplete()
          .verify(TIMEOUT);
    }

    @Test
    @DisplayName("the server sees the caller's id and headers")
    void senderAndHeaders() {
      Node server = startNode();
      Node client = startNode();
      Target t = Target.address(server.address());
      StepVerifier.create(client.request(t, Message.of("whoami")))
          .assertNext(r -> assertThat(r.payloadAsString()).isEqualTo(client.id().value()))
          .verifyComplete();
      StepVerifier.create(client.request(t, Message.of("header").withHeader("k", "v ü")))
          .assertNext(r -> assertThat(r.payloadAsString()).isEqualTo("v ü"))
          .verifyComplete();
    }

    @Test
    @DisplayName("request-stream delivers every item in order, then completes")
    void requestStream() {
      Node server = startNode();
      Node client = startNode();
      StepVerifier.create(client.stream(Target.address(server.address()), Message.of("ticks")))
          .expectNextCount(100)
          .expectComplete()
          .verify(TIMEOUT);
      StepVerifier.create(
              client
                  .stream(Target.address(server.address()), Message.of("ticks"))
                  .map(Message::payloadAsString)
                  .take(3))
          .expectNext("0", "1", "2")
          .verifyComplete();
    }

    @Test
    @DisplayName("request-channel carries messages both ways")
    void requestChannel() {
      Node server = startNode();
      Node client = startNode();
      Flux<Message> out = Flux.just("a", "b", "c").map(s -> Message.of("upper", s));
      StepVerifier.create(
              client.channel(Target.address(server.address()), out).map(Message::payloadAsString))
          .expectNext("A", "B", "C")
          .expectComplete()
          .verify(TIMEOUT);
    }

    @Test
    @DisplayName("verbs are cold: nothing is sent before subscription, each subscription sends")
    void verbsAreCold() {
      Node server = startNode();
      Node client = startNode();
      Target t = Target.address(server.address());
      Mono<Message> call = client.request(t, Message.of("counted"));
      Flux<Message> stream = client.stream(t, Message.of("ticks"));
      Flux<Message> channel = client.channel(t, Flux.just(Message.of("upper", "x")));
      StepVerifier.create(client.request(t, Message.of("echo"))).expectNextCount(1).verifyComplete();
      assertThat(served).as("served before any subscription").hasValue(0);
      StepVerifier.create(call.repeat(2).map(Message::payloadAsString))
          .expectNext("1", "2", "3")
          .verifyComplete();
      assertThat(served).hasValue(3);
      StepVerifier.create(stream.take(2).repeat(1)).expectNextCount(4).verifyComplete();
      StepVerifier.create(channel.repeat(1)).expectNextCount(2).verifyComplete();
    }

    @Test
    @DisplayName("fire-and-forget completes without waiting for the remote handler")
    void fireAndForgetDoesNotWaitForTheHandler() {
      Node server = startNode();
      Node client = startNode();
      StepVerifier.create(client.send(Target.address(server.address()), Message.of("never")))
          .expectComplete()
          .verify(TIMEOUT);
      StepVerifier.create(client.send(Target.member(client.id()), Message.of("never")))
          .expectComplete()
          .verify(TIMEOUT);
    }

    @Test
    @DisplayName("a node can call itself, by id or by address")
    void callsToSelf() {
      Node node = startNode();
      StepVerifier.create(node.request(Target.member(node.id()), Message.of("echo", "me")))
          .assertNext(r -> assertThat(r.payloadAsString()).isEqualTo("me"))
          .verifyComplete();
      StepVerifier.create(node.request(Target.address(node.address()), Message.of("echo", "me")))
          .assertNext(r -> assertThat(r.payloadAsString()).isEqualTo("me"))
          .verifyComplete();
    }
  }

  @Nested
  @DisplayName("backpressure across the wire")
  class Backpressure {

    @Test
    @DisplayName("a remote subscriber that requests 10 gets 10, and the producer emits no more")
    void demandBoundsTheProducer() {
      Node server = startNode();
      Node client = startNode();
      StepVerifier.create(client.stream(Target.address(server.address()), Message.of("count")), 0)
          .thenRequest(10)
          .expectNextCount(10)
          .thenAwait(Duration.ofMillis(100)) // room for an over-eager producer to run ahead
          .then(() -> assertThat(produced.get()).isBetween(10L, 10L + PREFETCH_BOUND))
          .thenCancel()
          .verify(TIMEOUT);
      StepVerifier.create(producerCancelled.asMono()).expectComplete().verify(TIMEOUT);
    }

    @Test
    @DisplayName("a slow consumer of an unbounded stream keeps the producer within a bounded lead")
    void slowConsumerKeepsProducerBounded() {
      Node server = startNode();
      Node client = startNode();
      StepVerifier.Step<Message> step =
          StepVerifier.create(
              client.stream(Target.address(server.address()), Message.of("count")), 0);
      for (int round = 1; round <= 5; round++) {
        long consumed = round * 20L;
        step =
            step.thenRequest(20)
                .expectNextCount(20)
                // give an over-eager producer time to run ahead, then check it did not
                .thenAwait(Duration.ofMillis(50))
                .then(() -> assertThat(produced.get()).isBetween(consumed, consumed + PREFETCH_BOUND));
      }
      step.thenCancel().verify(TIMEOUT);
    }

    @Test
    @DisplayName("a channel's handler that takes 5 makes the caller's producer emit about 5")
    void channelDemandFlowsBack() {
      Node server = startNode();
      Node client = startNode();
      Flux<Message> unbounded =
          Flux.<Message, Long>generate(
              () -> 0L,
              (i, sink) -> {
                channelProduced.incrementAndGet();
                sink.next(Message.of("take-5", Long.toString(i)));
                return i + 1;
              });
      StepVerifier.create(client.channel(Target.address(server.address()), unbounded))
          .expectNextCount(5)
          .expectComplete()
          .verify(TIMEOUT);
      assertThat(channelProduced.get()).isBetween(5L, 5L + PREFETCH_BOUND);
    }

    @Test
    @DisplayName("cancelling a stream cancels the remote producer")
    void cancellationReachesTheProducer() {
      Node server = startNode();
      Node client = startNode();
      StepVerifier.create(
              client.stream(Target.address(server.address()), Message.of("count")).take(3))
          .expectNextCount(3)
          .verifyComplete();
      StepVerifier.create(producerCancelled.asMono()).expectComplete().verify(TIMEOUT);
    }
  }

  @Nested
  @DisplayName("errors are typed and never take a node down")
  class Errors {

    @Test
    @DisplayName("an unknown route fails with NoSuchRouteException naming route and node")
    void unknownRoute() {
      Node server = startNode();
      Node client = startNode();
      Target t = Target.address(server.address());
      StepVerifier.create(client.request(t, Message.of("nope")))
          .expectErrorSatisfies(
              e -> {
                assertThat(e).isInstanceOf(NoSuchRouteException.class);
                NoSuchRouteException n = (NoSuchRouteException) e;
                assertThat(n.route()).isEqualTo("nope");
                assertThat(n.node()).isEqualTo(server.id().value());
                assertThat(n.getMessage()).contains("'nope'").contains(server.id().value());
              })
          .verify(TIMEOUT);
      assertStillServes(client, t);
    }

    @Test
    @DisplayName("calling a route with an interaction model it does not serve says what it serves")
    void wrongInteraction() {
      Node server = startNode();
      Node client = startNode();
      StepVerifier.create(client.stream(Target.address(server.address()), Message.of("echo")))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(NoSuchRouteException.class)
                      .hasMessageContaining("REQUEST_RESPONSE")
                      .hasMessageContaining("REQUEST_STREAM"))
          .verify(TIMEOUT);
    }

    @Test
    @DisplayName("a handler that throws fails the call with the error's type and message")
    void throwingHandler() {
      Node server = startNode();
      Node client = startNode();
      Target t = Target.address(server.address());
      StepVerifier.create(client.request(t, Message.of("boom")))
          .expectErrorSatisfies(
              e -> {
                assertThat(e).isInstanceOf(HandlerException.class);
                HandlerException h = (HandlerException) e;
                assertThat(h.errorType()).isEqualTo(IllegalStateException.class.getName());
                assertThat(h.errorMessage()).isEqualTo("kaput");
                assertThat(h.route()).isEqualTo("boom");
                assertThat(h.node()).isEqualTo(server.id().value());
              })
          .verify(TIMEOUT);
      assertStillServes(client, t);
    }

    @Test
    @DisplayName("a handler whose publisher errors fails the call with that error's type")
    void erroringHandler() {
      Node server = startNode();
      Node client = startNode();
      Target t = Target.address(server.address());
      StepVerifier.create(client.request(t, Message.of("fail")))
          .expectErrorSatisfies(
              e -> {
                assertThat(e).isInstanceOf(HandlerException.class);
                assertThat(((HandlerException) e).errorType())
                    .isEqualTo(IllegalArgumentException.class.getName());
                assertThat(((HandlerException) e).errorMessage()).isEqualTo("bad input");
              })
          .verify(TIMEOUT);
      assertStillServes(client, t);
    }

    @Test
    @DisplayName("a stream that fails midway delivers its items, then the typed error")
    void streamFailsMidway() {
      Node server = startNode();
      Node client = startNode();
      StepVerifier.create(client.stream(Target.address(server.address()), Message.of("broken-stream")))
          .expectNextCount(3)
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(HandlerException.class)
                      .hasMessageContaining("stream broke"))
          .verify(TIMEOUT);
    }

    @Test
    @DisplayName("a payload over the receiver's limit fails typed, and the connection stays usable")
    void oversizePayload() {
      Node server = startNode(b -> b.maxInboundPayloadSize(1024));
      Node client = startNode();
      Target t = Target.address(server.address());
      StepVerifier.create(client.request(t, Message.of("echo", new byte[4096])))
          .expectErrorSatisfies(
              e -> {
                assertThat(e).isInstanceOf(PayloadTooLargeException.class);
                assertThat(((PayloadTooLargeException) e).size()).isEqualTo(4096);
                assertThat(((PayloadTooLargeException) e).limit()).isEqualTo(1024);
              })
          .verify(TIMEOUT);
      StepVerifier.create(client.request(t, Message.of("echo", new byte[1024])))
          .assertNext(r -> assertThat(r.payloadSize()).isEqualTo(1024))
          .verifyComplete();
    }

    @Test
    @DisplayName("an unknown member fails with UnreachableException")
    void unknownMember() {
      Node client = startNode();
      StepVerifier.create(client.request(Target.member(NodeId.of("ghost")), Message.of("echo")))
          .expectErrorSatisfies(
              e -> assertThat(e).isInstanceOf(UnreachableException.class).hasMessageContaining("ghost"))
          .verify(TIMEOUT);
    }

    @Test
    @DisplayName("an address where nothing listens fails with UnreachableException")
    void nothingListening() {
      Node client = startNode();
      StepVerifier.create(client.request(Target.address(unusedAddress()), Message.of("echo")))
          .expectError(UnreachableException.class)
          .verify(TIMEOUT);
    }

    @Test
    @DisplayName("each retry after a failed dial dials again (no cached failure)")
    void retriesRedial() {
      DialCountingTransport counting = new DialCountingTransport(sharedTransport());
      Node client = startNode(b -> b.transport(counting));
      StepVerifier.create(
              client
                  .request(Target.address(unusedAddress()), Message.of("echo"))
                  .retryWhen(
                      reactor.util.retry.Retry.max(3)
                          .filter(io.meshwork.error.Retryable::isRetryable)
                          .onRetryExhaustedThrow((spec, signal) -> signal.failure())))
          .expectError(UnreachableException.class)
          .verify(TIMEOUT);
      assertThat(counting.dials).hasValue(4);
    }

    @Test
    @DisplayName("a member id whose address now answers as another node fails as unreachable")
    void memberReplacedAtItsAddress() {
      Address fixed = unusedAddress();
      Node first = startNode(b -> b.id("first").bind(fixed));
      Node client = startNode(b -> b.seeds(List.of(fixed)));
      StepVerifier.create(client.request(Target.member(first.id()), Message.of("echo")))
          .expectNextCount(1)
          .verifyComplete();
      first.shutdown().block(TIMEOUT);
      startNode(b -> b.id("second").bind(fixed));
      StepVerifier.create(
              client
                  .request(Target.member(first.id()), Message.of("echo"))
                  // the old connection may still be closing: retry until it is gone
                  .retryWhen(
                      reactor.util.retry.Retry.fixedDelay(50, Duration.ofMillis(100))
                          .filter(e -> e instanceof io.meshwork.error.ConnectionClosedException)))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(UnreachableException.class)
                      .hasMessageContaining("first")
                      .hasMessageContaining("second"))
          .verify(TIMEOUT);
    }

    @Test
    @DisplayName("a stream in flight when the server shuts down fails with ConnectionClosedException")
    void shutdownMidStream() {
      Node server = startNode();
      Node client = startNode();
      StepVerifier.create(client.stream(Target.address(server.address()), Message.of("count")), 1)
          .expectNextCount(1)
          .then(() -> server.shutdown().subscribe())
          .expectError(io.meshwork.error.ConnectionClosedException.class)
          .verify(TIMEOUT);
    }

    private void assertStillServes(Node client, Target t) {
      StepVerifier.create(client.request(t, Message.of("echo", "still here")))
          .assertNext(r -> assertThat(r.payloadAsString()).isEqualTo("still here"))
          .expectComplete()
          .verify(TIMEOUT);
    }
  }

  @Test
  @DisplayName("three nodes joined through seeds exchange all four interaction models by member id")
  void threeNodes() {
    Node a = startNode(b -> b.id("node-a"));
    Node b = startNode(x -> x.id("node-b").seeds(List.of(a.address())));
    Node c = startNode(x -> x.id("node-c").seeds(List.of(a.address(), b.address())));
    List<Node> all = List.of(a, b, c);
    for (Node from : all) {
      for (Node to : all) {
        if (from == to) {
          continue;
        }
        Target t = Target.member(to.id());
        String tag = from.id() + "->" + to.id();
        StepVerifier.create(from.request(t, Message.of("whoami")))
            .assertNext(r -> {
              assertThat(r.payloadAsString()).as(tag).isEqualTo(from.id().value());
              assertThat(r.sender()).as(tag).isEqualTo(to.id());
            })
            .expectComplete()
            .verify(TIMEOUT);
        StepVerifier.create(from.stream(t, Message.of("ticks")).take(5))
            .expectNextCount(5)
            .expectComplete()
            .verify(TIMEOUT);
        StepVerifier.create(
                from.channel(t, Flux.just(Message.of("upper", tag))).map(Message::payloadAsString))
            .expectNext(tag.toUpperCase())
            .expectComplete()
            .verify(TIMEOUT);
        StepVerifier.create(from.send(t, Message.of("news", tag))).expectComplete().verify(TIMEOUT);
      }
    }
    StepVerifier.create(news.asFlux().map(Message::payloadAsString).take(6).collectList())
        .assertNext(
            got ->
                assertThat(got)
                    .containsExactlyInAnyOrder(
                        "node-a->node-b", "node-a->node-c", "node-b->node-a",
                        "node-b->node-c", "node-c->node-a", "node-c->node-b"))
        .expectComplete()
        .verify(TIMEOUT);
  }
}
