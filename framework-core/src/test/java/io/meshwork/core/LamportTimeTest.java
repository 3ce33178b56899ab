package io.meshwork.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.Target;
import io.meshwork.core.memory.InMemoryTransport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

@DisplayName("Every message carries its sender's Lamport time; receivers advance to max(local, received) + 1")
class LamportTimeTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final InMemoryTransport network = InMemoryTransport.create();
  private final AtomicLong seenByServer = new AtomicLong();
  private Node server;
  private Node client;

  @AfterEach
  void stop() {
    client.shutdown().block(TIMEOUT);
    server.shutdown().block(TIMEOUT);
  }

  private void start() {
    server =
        Node.builder()
            .transport(network)
            .route(
                "echo",
                Handlers.requestResponse(
                    m -> {
                      seenByServer.set(m.lamportTime());
                      return Mono.just(m.reply(m.payload()));
                    }))
            .route("ticks", Handlers.stream(m -> Flux.range(0, 3).map(i -> m.reply("t" + i))))
            .build()
            .start()
            .block(TIMEOUT);
    client = Node.builder().transport(network).build().start().block(TIMEOUT);
  }

  @Test
  @DisplayName("a request and its reply order the two clocks")
  void requestReply() {
    start();
    server.clock().receive(100); // the server is ahead
    long before = client.clock().now();
    Message reply =
        client.request(Target.address(server.address()), Message.of("echo", "x")).block(TIMEOUT);
    assertThat(seenByServer.get()).isEqualTo(before + 1); // the client's tick on send
    assertThat(server.clock().now()).isGreaterThanOrEqualTo(102); // max(101, before+1)+1, then the reply's tick
    assertThat(reply.lamportTime()).isEqualTo(server.clock().now());
    assertThat(client.clock().now()).isEqualTo(reply.lamportTime() + 1);
  }

  @Test
  @DisplayName("each element of a stream carries a later time than the one before")
  void streamTimesIncrease() {
    start();
    StepVerifier.create(
            client.stream(Target.address(server.address()), Message.of("ticks")).map(Message::lamportTime).collectList())
        .assertNext(times -> assertThat(times).hasSize(3).isSorted().doesNotHaveDuplicates())
        .verifyComplete();
    assertThat(client.clock().now()).isGreaterThan(server.clock().now());
  }
}
