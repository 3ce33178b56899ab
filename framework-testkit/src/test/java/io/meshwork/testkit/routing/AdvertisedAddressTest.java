package io.meshwork.testkit.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.meshwork.Address;
import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.Target;
import io.meshwork.core.memory.InMemoryTransport;
import io.meshwork.membership.Member;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * {@code NodeBuilder.advertise}: a node tells the cluster an address other than where it listens
 * (a container bound to every interface advertises its routable host), over real RSocket on
 * loopback. The test binds 127.0.0.1 and advertises {@code localhost}, a name for the same
 * interface, so that the two differ and both can be dialled.
 */
@DisplayName("A node advertises the address it is given, not where it listens")
class AdvertisedAddressTest {

  private static final Duration CALL = Duration.ofSeconds(10);
  private final LoopbackNodes nodes = new LoopbackNodes(CALL);

  @AfterEach
  void stop() {
    nodes.stopAll();
  }

  @Test
  @DisplayName("its address, the membership view of a peer and calls by member id all use it")
  void peersUseTheAdvertisedAddress() {
    Node a =
        nodes.start(
            "a",
            t -> t,
            x ->
                x.advertise("localhost", 0)
                    .route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload())))));
    int port = a.address().port();
    assertThat(a.address()).isEqualTo(Address.of("localhost", port));
    assertThat(a.membership().self().address()).isEqualTo(a.address());

    Node b = nodes.start("b", t -> t, x -> x.seeds(a.address().toString()));
    await()
        .atMost(CALL)
        .untilAsserted(
            () ->
                assertThat(b.membership().member(a.id()).map(Member::address))
                    .contains(Address.of("localhost", port)));
    assertThat(b.request(Target.member(a.id()), Message.of("echo", "hi")).block(CALL).payloadAsString())
        .isEqualTo("hi");
  }

  @Test
  @DisplayName("a transport that cannot advertise another address fails the start, saying why")
  void inMemoryCannotAdvertise() {
    Node n =
        Node.builder()
            .transport(InMemoryTransport.create())
            .bind("127.0.0.1", 0)
            .advertise("localhost", 0)
            .build();
    assertThatThrownBy(() -> n.start().block(CALL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("InMemoryTransport cannot advertise localhost:0 while bound to 127.0.0.1:0");
  }
}
