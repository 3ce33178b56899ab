package io.meshwork.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Address;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.NodeBuilder;
import io.meshwork.error.PayloadTooLargeException;
import io.meshwork.Target;
import io.meshwork.rsocket.LeakTrackingByteBufAllocator;
import io.meshwork.rsocket.RSocketTransport;
import io.meshwork.transport.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

@DisplayName("The RSocket transport keeps the transport contract, and releases every buffer")
class RSocketTransportContractTest extends TransportContract {

  private final LeakTrackingByteBufAllocator allocator = new LeakTrackingByteBufAllocator();

  @Override
  protected Transport transport() {
    return RSocketTransport.builder().allocator(allocator).build();
  }

  @Override
  protected Address unusedAddress() {
    // Bind an ephemeral port and close it: nothing listens there for the moment of the test.
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return Address.of("127.0.0.1", s.getLocalPort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @DisplayName("frames are allocated by the transport's allocator, so the leak check sees them")
  void framesGoThroughTheTrackedAllocator() {
    Node server = startNode();
    Node client = startNode();
    StepVerifier.create(client.request(Target.address(server.address()), Message.of("echo", "x")))
        .expectNextCount(1)
        .verifyComplete();
    assertThat(allocator.allocated()).isPositive();
  }

  @Test
  @DisplayName("a payload of exactly the default 16 MiB limit crosses in fragments; one byte more is refused before it is sent")
  void defaultLimitWithFragmentation() {
    Node server = startNode();
    Node client = startNode();
    Target t = Target.address(server.address());
    int limit = NodeBuilder.DEFAULT_MAX_INBOUND_PAYLOAD_SIZE;
    StepVerifier.create(client.request(t, Message.of("echo", new byte[limit])))
        .assertNext(r -> assertThat(r.payloadSize()).isEqualTo(limit))
        .expectComplete()
        .verify(Duration.ofSeconds(30));
    StepVerifier.create(client.request(t, Message.of("echo", new byte[limit + 1])))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(PayloadTooLargeException.class)
                    .hasMessageContaining(Integer.toString(limit + 1)))
        .verify(TIMEOUT);
  }

  @Override
  protected void afterNodesStopped() {
    allocator.assertAllReleased(Duration.ofSeconds(5));
  }
}
