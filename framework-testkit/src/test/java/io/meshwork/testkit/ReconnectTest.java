package io.meshwork.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Address;
import io.meshwork.CallOptions;
import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.RetryPolicy;
import io.meshwork.Target;
import io.meshwork.error.UnreachableException;
import io.meshwork.rsocket.LeakTrackingByteBufAllocator;
import io.meshwork.rsocket.RSocketTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

@DisplayName("A peer that stops and comes back on the same address is reconnected without user action")
class ReconnectTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final LeakTrackingByteBufAllocator allocator = new LeakTrackingByteBufAllocator();
  private final List<Node> nodes = new ArrayList<>();

  private Node start(String id, Address bind) {
    Node n =
        Node.builder()
            .id(id)
            .bind(bind)
            .transport(RSocketTransport.builder().allocator(allocator).build())
            .route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))))
            .build();
    nodes.add(n);
    return n.start().block(TIMEOUT);
  }

  private static Address freeAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return Address.of("127.0.0.1", s.getLocalPort());
    }
  }

  @AfterEach
  void stop() {
    nodes.forEach(n -> n.shutdown().block(TIMEOUT));
    allocator.assertAllReleased(Duration.ofSeconds(5));
  }

  @Test
  @DisplayName("a request issued while the peer is down succeeds once it is back within the retry budget")
  void requestSucceedsAcrossRestart() throws Exception {
    Address fixed = freeAddress();
    Node server = start("server", fixed);
    Node client = start("client", Address.of("127.0.0.1", 0));
    Target target = Target.member(server.id());
    StepVerifier.create(client.request(Target.address(fixed), Message.of("echo", "before")))
        .expectNextCount(1)
        .verifyComplete();

    server.shutdown().block(TIMEOUT);
    CallOptions generous =
        client
            .callOptions()
            .retry(
                RetryPolicy.backoff(60, Duration.ofMillis(50))
                    .maxBackoff(Duration.ofMillis(200))
                    .deadline(Duration.ofSeconds(15)))
            .idempotent(true); // the old connection may close under the first attempt
    CompletableFuture<Message> inFlight =
        client.request(target, Message.of("echo", "across"), generous).toFuture();
    assertThat(inFlight).isNotDone();

    start("server", fixed); // the same id and address, a new incarnation
    Message reply = inFlight.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(reply.payloadAsString()).isEqualTo("across");
    assertThat(reply.sender()).isEqualTo(server.id());
  }

  @Test
  @DisplayName("a request to a peer that stays down fails with UnreachableException after the budget")
  void failsAfterTheBudget() throws Exception {
    Address fixed = freeAddress();
    Node server = start("server", fixed);
    Node client = start("client", Address.of("127.0.0.1", 0));
    StepVerifier.create(client.request(Target.address(fixed), Message.of("echo")))
        .expectNextCount(1)
        .verifyComplete();
    server.shutdown().block(TIMEOUT);
    CallOptions small =
        client.callOptions().retry(RetryPolicy.backoff(3, Duration.ofMillis(20))).idempotent(true);
    StepVerifier.create(client.request(Target.member(server.id()), Message.of("echo"), small))
        .expectError(UnreachableException.class)
        .verify(TIMEOUT);
  }
}
