package io.meshwork.testkit.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Node;
import io.meshwork.NodeId;
import io.meshwork.Target;
import io.meshwork.error.UnauthenticatedException;
import io.meshwork.membership.Member;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * {@code RSocketTransport.builder().clusterKey(...)} on real nodes over loopback: the nodes that
 * share the key form a cluster; one with another key cannot join it or call into it, and fails
 * with {@link UnauthenticatedException} rather than being retried.
 */
@DisplayName("A cluster key keeps nodes without it out of the cluster")
class AuthenticatedClusterTest {

  private static final Duration CALL = Duration.ofSeconds(10);
  private static final byte[] KEY = "cluster-key-of-32-bytes-00000000".getBytes(StandardCharsets.UTF_8);
  private static final byte[] OTHER = "another-key-of-32-bytes-11111111".getBytes(StandardCharsets.UTF_8);

  private final LoopbackNodes nodes = new LoopbackNodes(CALL);

  @AfterEach
  void stop() {
    nodes.stopAll();
  }

  @Test
  @DisplayName("members with the key join and call each other; an outsider is refused both")
  void outsiderIsKeptOut() {
    Node a =
        nodes.start(
            "a",
            t -> t.clusterKey(KEY),
            b -> b.route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload())))));
    Node b = nodes.start("b", t -> t.clusterKey(KEY), x -> x.seeds(a.address().toString()));
    Node outsider = nodes.start("outsider", t -> t.clusterKey(OTHER), x -> x.seeds(a.address().toString()));

    await()
        .atMost(CALL)
        .untilAsserted(() -> assertThat(a.membership().members()).extracting(Member::id).contains(b.id()));
    assertThat(b.request(Target.member(a.id()), Message.of("echo", "hi")).block(CALL).payloadAsString())
        .isEqualTo("hi");

    StepVerifier.create(outsider.request(Target.address(a.address()), Message.of("echo", "let me in")))
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(UnauthenticatedException.class).hasMessageContaining("refused node outsider"))
        .verify(CALL);
    assertThat(a.membership().member(NodeId.of("outsider"))).as("a never admitted the outsider").isEmpty();
    assertThat(b.membership().member(NodeId.of("outsider"))).isEmpty();
    assertThat(outsider.membership().members()).extracting(Member::id).containsExactly(outsider.id());
  }
}
