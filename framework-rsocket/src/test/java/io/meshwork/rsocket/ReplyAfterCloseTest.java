package io.meshwork.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshwork.Address;
import io.meshwork.Message;
import io.meshwork.NodeId;
import io.meshwork.transport.Connection;
import io.meshwork.transport.PeerInfo;
import io.meshwork.transport.Responder;
import io.meshwork.transport.TransportBinding;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Replies that a handler produces while, or after, its caller's connection closes: a node
 * answering a peer that is shutting down. Every reply frame must still be released.
 */
class ReplyAfterCloseTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int CALLS = 64;

  private final LeakTrackingByteBufAllocator allocator = new LeakTrackingByteBufAllocator();
  private final List<TransportBinding> bindings = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    bindings.forEach(TransportBinding::dispose);
    allocator.assertAllReleased(Duration.ofSeconds(5));
  }

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

  private TransportBinding bind(RSocketTransport transport, String id, Responder r) {
    TransportBinding b =
        transport
            .bind(new PeerInfo(NodeId.of(id), Address.of("127.0.0.1", 0), 4096), r)
            .block(TIMEOUT);
    bindings.add(b);
    return b;
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
