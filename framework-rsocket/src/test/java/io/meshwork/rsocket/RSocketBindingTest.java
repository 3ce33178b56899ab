package io.meshwork.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meshwork.Address;
import io.meshwork.Message;
import io.meshwork.NodeId;
import io.meshwork.transport.Connection;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.Responder;
import io.meshwork.transport.TransportBinding;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

@DisplayName("RSocket bindings")
class RSocketBindingTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final LeakTrackingByteBufAllocator allocator = new LeakTrackingByteBufAllocator();
  private final List<TransportBinding> bindings = new ArrayList<>();

  private TransportBinding bind(RSocketTransport transport, String id, Responder r) {
    TransportBinding b =
        transport
            .bind(new PeerInfo(NodeId.of(id), Address.of("127.0.0.1", 0), 4096), r)
            .block(TIMEOUT);
    bindings.add(b);
    return b;
  }

  @AfterEach
  void close() {
    bindings.forEach(TransportBinding::dispose);
    for (TransportBinding b : bindings) {
      StepVerifier.create(b.onClose()).expectComplete().verify(TIMEOUT);
    }
    allocator.assertAllReleased(Duration.ofSeconds(5));
  }

  @Test
  @DisplayName("dialling exchanges identities: each side learns the other's id, address and limit")
  void handshake() {
    RSocketTransport t = RSocketTransport.builder().allocator(allocator).build();
    RecordingResponder serverSide = new RecordingResponder();
    TransportBinding server = bind(t, "server", serverSide);
    TransportBinding client = bind(t, "client", new RecordingResponder());

    Connection c = client.connect(server.local().address()).block(TIMEOUT);
    assertThat(c.remote()).isEqualTo(server.local());
    assertThat(server.local().address().port()).isPositive();

    StepVerifier.create(serverSide.connections.asFlux().take(1))
        .assertNext(accepted -> assertThat(accepted.remote()).isEqualTo(client.local()))
        .verifyComplete();
    StepVerifier.create(c.requestResponse(Message.of("any", "ping")))
        .assertNext(
            r -> {
              assertThat(r.payloadAsString()).isEqualTo("ping");
              assertThat(r.sender()).isEqualTo(NodeId.of("server"));
            })
        .verifyComplete();
  }

  @Test
  @DisplayName("peers learn the address a binding advertises, not where it listens; port 0 is the bound one")
  void advertisedAddress() {
    RSocketTransport t = RSocketTransport.builder().allocator(allocator).build();
    RecordingResponder serverSide = new RecordingResponder();
    Address loopback = Address.of("127.0.0.1", 0);
    TransportBinding server =
        t.bind(new PeerInfo(NodeId.of("server"), Address.of("localhost", 0), 4096), loopback, serverSide)
            .block(TIMEOUT);
    bindings.add(server);
    Address clientAdvertises = Address.of("client.example", 7777);
    TransportBinding client =
        t.bind(new PeerInfo(NodeId.of("client"), clientAdvertises, 4096), loopback, new RecordingResponder())
            .block(TIMEOUT);
    bindings.add(client);

    int port = server.local().address().port();
    assertThat(port).isPositive();
    assertThat(server.local().address()).isEqualTo(Address.of("localhost", port));
    assertThat(client.local().address()).isEqualTo(clientAdvertises);

    Connection c = client.connect(Address.of("127.0.0.1", port)).block(TIMEOUT);
    assertThat(c.remote().address()).as("from the server's hello").isEqualTo(Address.of("localhost", port));
    StepVerifier.create(serverSide.connections.asFlux().take(1))
        .assertNext(
            accepted ->
                assertThat(accepted.remote().address()).as("from the client's SETUP").isEqualTo(clientAdvertises))
        .verifyComplete();
    Connection dialledAsAdvertised = client.connect(server.local().address()).block(TIMEOUT);
    StepVerifier.create(dialledAsAdvertised.requestResponse(Message.of("any", "ping")))
        .assertNext(r -> assertThat(r.sender()).isEqualTo(NodeId.of("server")))
        .verifyComplete();
  }

  @Test
  @DisplayName("the accepting side can call the dialler back over the same connection")
  void callBack() {
    RSocketTransport t = RSocketTransport.builder().allocator(allocator).build();
    RecordingResponder serverSide = new RecordingResponder();
    TransportBinding server = bind(t, "server", serverSide);
    TransportBinding client = bind(t, "client", new RecordingResponder());
    client.connect(server.local().address()).block(TIMEOUT);

    Connection back = serverSide.connections.asFlux().blockFirst(TIMEOUT);
    StepVerifier.create(back.requestResponse(Message.of("any", "pong")))
        .assertNext(
            r -> {
              assertThat(r.payloadAsString()).isEqualTo("pong");
              assertThat(r.sender()).isEqualTo(NodeId.of("client"));
            })
        .verifyComplete();
  }

  @ParameterizedTest(name = "coalesceUpTo {0}")
  @ValueSource(ints = {0, RSocketTransport.DEFAULT_COALESCE_UP_TO, RSocketTransport.MAX_COALESCE_UP_TO})
  @DisplayName("many calls in flight, of mixed sizes, each get their own payload back")
  void manyInFlight(int coalesceUpTo) {
    RSocketTransport t =
        RSocketTransport.builder().allocator(allocator).coalesceUpTo(coalesceUpTo).build();
    TransportBinding server = bind(t, "server", new RecordingResponder());
    TransportBinding client = bind(t, "client", new RecordingResponder());
    Connection c = client.connect(server.local().address()).block(TIMEOUT);

    int calls = 2_000;
    // Sizes from 0 to 4,000 bytes: some frames coalesced, some above the limit, interleaved.
    List<Boolean> intact =
        Flux.range(0, calls)
            .flatMap(
                i -> {
                  String body = String.valueOf((char) ('a' + i % 26)).repeat(i * 37 % 4_001);
                  String sent = i + ":" + body;
                  return c.requestResponse(Message.of("any", sent))
                      .map(r -> r.payloadAsString().equals(sent));
                },
                256)
            .collectList()
            .block(TIMEOUT);
    assertThat(intact).hasSize(calls).containsOnly(true);
  }

  @Test
  @DisplayName("the write coalescer is on a connection's pipeline unless coalescing is off")
  void coalescerInstalled() {
    EmbeddedChannel on = new EmbeddedChannel();
    RSocketTransport.builder().build().settings().coalesce(on);
    assertThat(on.pipeline().get(FrameCoalescer.NAME)).isInstanceOf(FrameCoalescer.class);
    EmbeddedChannel off = new EmbeddedChannel();
    RSocketTransport.builder().coalesceUpTo(0).build().settings().coalesce(off);
    assertThat(off.pipeline().get(FrameCoalescer.NAME)).isNull();
    on.finishAndReleaseAll();
    off.finishAndReleaseAll();
  }

  @Nested
  @DisplayName("bounds against untrusted peers")
  class Bounds {

    @Test
    @DisplayName("a TCP connection that sends no SETUP is closed after the setup timeout")
    void silentConnectionIsClosed() throws Exception {
      RSocketTransport t =
          RSocketTransport.builder()
              .allocator(allocator)
              .setupTimeout(Duration.ofMillis(300))
              .build();
      TransportBinding server = bind(t, "server", new RecordingResponder());
      try (Socket raw =
          new Socket(InetAddress.getLoopbackAddress(), server.local().address().port())) {
        raw.setSoTimeout(5_000); // the test fails with SocketTimeoutException if never closed
        long start = System.nanoTime();
        InputStream in = raw.getInputStream();
        // The server may send an ERROR frame before closing; read to end of stream.
        while (in.read() >= 0) {
          // drain
        }
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMillis).isBetween(200L, 4_000L);
      }
    }

    @Test
    @DisplayName("dialling an address where nothing answers the handshake fails as unreachable")
    void nothingListens() throws Exception {
      RSocketTransport t = RSocketTransport.builder().allocator(allocator).build();
      TransportBinding client = bind(t, "client", new RecordingResponder());
      int port;
      try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      StepVerifier.create(client.connect(Address.of("127.0.0.1", port)))
          .expectError(io.meshwork.error.UnreachableException.class)
          .verify(TIMEOUT);
    }
  }

  @Nested
  @DisplayName("a cluster key authenticates both ends of every handshake")
  class ClusterKeys {

    private final byte[] key = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private final byte[] other = "fedcba9876543210fedcba9876543210".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private RSocketTransport keyed(byte[] k) {
      return RSocketTransport.builder().allocator(allocator).clusterKey(k).build();
    }

    @Test
    @DisplayName("the same key on both ends: the handshake and calls work as without one")
    void sameKey() {
      RecordingResponder serverSide = new RecordingResponder();
      TransportBinding server = bind(keyed(key), "server", serverSide);
      TransportBinding client = bind(keyed(key), "client", new RecordingResponder());
      Connection c = client.connect(server.local().address()).block(TIMEOUT);
      assertThat(c.remote()).isEqualTo(server.local());
      StepVerifier.create(c.requestResponse(Message.of("any", "ping")))
          .assertNext(r -> assertThat(r.payloadAsString()).isEqualTo("ping"))
          .verifyComplete();
      StepVerifier.create(serverSide.connections.asFlux().take(1))
          .assertNext(accepted -> assertThat(accepted.remote()).isEqualTo(client.local()))
          .verifyComplete();
    }

    @ParameterizedTest(name = "client key: {0}")
    @ValueSource(strings = {"other", "none"})
    @DisplayName("a dialler with another key or none is refused: Unauthenticated, and the node never sees it")
    void wrongOrNoKeyIsRefused(String which) {
      RecordingResponder serverSide = new RecordingResponder();
      TransportBinding server = bind(keyed(key), "server", serverSide);
      RSocketTransport clientTransport =
          which.equals("none") ? RSocketTransport.builder().allocator(allocator).build() : keyed(other);
      TransportBinding client = bind(clientTransport, "client", new RecordingResponder());
      StepVerifier.create(client.connect(server.local().address()))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(io.meshwork.error.UnauthenticatedException.class)
                      .isNotInstanceOf(io.meshwork.error.Retryable.class)
                      .hasMessageContaining("refused node client")
                      .hasMessageContaining(which.equals("none") ? "no cluster key proof" : "not signed with this cluster's key"))
          .verify(TIMEOUT);
      StepVerifier.create(serverSide.connections.asFlux().take(Duration.ofMillis(200)))
          .as("the node dialled never saw the connection")
          .verifyComplete();
    }

    @Test
    @DisplayName("a keyed dialler refuses a node without the key: its hello proves nothing")
    void keylessNodeIsRefusedByTheDialler() {
      TransportBinding server =
          bind(RSocketTransport.builder().allocator(allocator).build(), "server", new RecordingResponder());
      TransportBinding client = bind(keyed(key), "client", new RecordingResponder());
      StepVerifier.create(client.connect(server.local().address()))
          .expectErrorSatisfies(
              e ->
                  assertThat(e)
                      .isInstanceOf(io.meshwork.error.UnauthenticatedException.class)
                      .hasMessageContaining("Node client refused")
                      .hasMessageContaining("no cluster key proof"))
          .verify(TIMEOUT);
    }

    @Test
    @DisplayName("a plain RSocket client is refused by a keyed node")
    void plainClientIsRefused() {
      RecordingResponder serverSide = new RecordingResponder();
      TransportBinding server = bind(keyed(key), "server", serverSide);
      io.rsocket.RSocket plain =
          io.rsocket.core.RSocketConnector.create()
              .connect(
                  io.rsocket.transport.netty.client.TcpClientTransport.create(
                      "127.0.0.1", server.local().address().port()))
              .block(TIMEOUT);
      StepVerifier.create(plain.onClose()).expectError().verify(TIMEOUT);
      StepVerifier.create(serverSide.connections.asFlux().take(Duration.ofMillis(200)))
          .as("the node never saw the connection")
          .verifyComplete();
    }

    @Test
    @DisplayName("a key shorter than 16 bytes is refused by the builder")
    void shortKey() {
      assertThatThrownBy(() -> RSocketTransport.builder().clusterKey(new byte[15]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("clusterKey must be at least 16 bytes, got 15");
    }
  }

  @Nested
  @DisplayName("builder validation names the bad option")
  class BuilderValidation {
    @Test
    void rejectsBadOptions() {
      assertThatThrownBy(() -> RSocketTransport.builder().setupTimeout(Duration.ZERO).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("setupTimeout");
      assertThatThrownBy(
              () ->
                  RSocketTransport.builder()
                      .keepAlive(Duration.ofSeconds(10), Duration.ofSeconds(1))
                      .build())
          .hasMessageContaining("maxLifetime");
      assertThatThrownBy(() -> RSocketTransport.builder().fragmentSize(10).build())
          .hasMessageContaining("fragmentSize")
          .hasMessageContaining("10");
      assertThatThrownBy(() -> RSocketTransport.builder().coalesceUpTo(-1))
          .hasMessageContaining("coalesceUpTo");
      assertThatThrownBy(
              () -> RSocketTransport.builder().coalesceUpTo(RSocketTransport.MAX_COALESCE_UP_TO + 1))
          .hasMessageContaining("coalesceUpTo");
    }
  }

  @Nested
  @DisplayName("replies racing their caller's shutdown are all released")
  class RepliesAfterClose {

    private static final int CALLS = 64;

    @RepeatedTest(5)
    void theAcceptorsReplies_racingTheDiallersShutdown_areReleased() {
      RSocketTransport t = RSocketTransport.builder().allocator(allocator).build();
      HeldReplies held = new HeldReplies();
      TransportBinding server = bind(t, "server", held);
      TransportBinding client = bind(t, "client", new RecordingResponder());
      Connection c = client.connect(server.local().address()).block(TIMEOUT);
      callThenShutDown(c, held, client);
    }

    @RepeatedTest(5)
    void theDiallersReplies_racingTheAcceptorsShutdown_areReleased() {
      RSocketTransport t = RSocketTransport.builder().allocator(allocator).build();
      HeldReplies held = new HeldReplies();
      RecordingResponder serverSide = new RecordingResponder();
      TransportBinding server = bind(t, "server", serverSide);
      TransportBinding client = bind(t, "client", held);
      client.connect(server.local().address()).block(TIMEOUT);
      Connection back = serverSide.connections.asFlux().blockFirst(TIMEOUT);
      callThenShutDown(back, held, server);
    }

    /**
     * Makes {@value #CALLS} calls over {@code c}; half the replies go out before {@code caller}
     * shuts down, half race its shutdown from another thread.
     */
    private void callThenShutDown(Connection c, HeldReplies held, TransportBinding caller) {
      Disposable calls =
          Flux.range(0, CALLS)
              .flatMap(
                  i ->
                      c.requestResponse(Message.of("any", "call " + i))
                          .onErrorResume(e -> Mono.empty()))
              .subscribe();
      await().atMost(TIMEOUT).until(() -> held.pending.size() == CALLS);
      for (int i = 0; i < CALLS / 2; i++) {
        held.answerOne();
      }
      Disposable racing =
          Mono.fromRunnable(
                  () -> {
                    while (held.answerOne()) {}
                  })
              .subscribeOn(Schedulers.boundedElastic())
              .subscribe();
      caller.dispose();
      await().atMost(TIMEOUT).until(racing::isDisposed);
      calls.dispose();
      assertThat(held.pending).isEmpty();
    }
  }

  /** Echoes, but only when the test says: each request's reply waits in a queue. */
  private static final class HeldReplies implements Responder {

    final Queue<Runnable> pending = new ConcurrentLinkedQueue<>();

    @Override
    public void onConnection(Connection connection) {}

    @Override
    public Mono<Void> fireAndForget(Message message) {
      return Mono.empty();
    }

    @Override
    public Mono<Message> requestResponse(Message message) {
      Sinks.One<Message> reply = Sinks.one();
      pending.add(() -> reply.tryEmitValue(message.reply(message.payload())));
      return reply.asMono();
    }

    @Override
    public Flux<Message> requestStream(Message message) {
      return Flux.empty();
    }

    @Override
    public Flux<Message> requestChannel(Flux<Message> inbound) {
      return Flux.empty();
    }

    boolean answerOne() {
      Runnable r = pending.poll();
      if (r == null) {
        return false;
      }
      r.run();
      return true;
    }
  }
}
