package io.meshwork.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Handlers;
import io.meshwork.Message;
import io.meshwork.Address;
import io.meshwork.Environment;
import io.meshwork.NodeId;
import io.meshwork.core.membership.Swim;
import io.meshwork.membership.MembershipOptions;
import java.util.Map;
import java.util.Set;
import io.meshwork.RequestResponseHandler;
import io.meshwork.error.HandlerException;
import io.meshwork.error.InvalidRequestException;
import io.meshwork.error.NoSuchRouteException;
import io.meshwork.error.PayloadTooLargeException;
import io.meshwork.spi.Route;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

@DisplayName("The router turns every failure into a typed error")
class RouterTest {

  private static final int LIMIT = 100;

  private final Router router =
      new Router(
          NodeId.of("self"),
          new RouteTable(
              List.of(
                  new Route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload())))),
                  new Route("null", (RequestResponseHandler) m -> null),
                  new Route("upper", Handlers.channel(in -> in.map(m -> m.reply("ok")))))),
          LIMIT,
          new io.meshwork.clock.LamportClock(),
          null,
          new Swim(
              Swim.initial(NodeId.of("self"), Address.of("127.0.0.1", 1), Map.of(), Set.of()),
              MembershipOptions.defaults(),
              Environment.system(),
              List.of(),
              new Swim.Wire() {
                @Override
                public Mono<Message> request(Address to, Message frame) {
                  return Mono.error(new IllegalStateException("no wire in this test"));
                }

                @Override
                public Mono<Void> send(Address to, Message frame) {
                  return Mono.error(new IllegalStateException("no wire in this test"));
                }

                @Override
                public void disconnect(NodeId id) {}
              }),
          new Admission(NodeId.of("self"), 100, 10),
          c -> {});

  @Test
  @DisplayName("a malformed membership frame gets InvalidRequest, and the node carries on")
  void malformedMembershipFrame() {
    StepVerifier.create(router.requestResponse(Message.of(Swim.ROUTE, new byte[] {1, 0, 7})))
        .expectError(InvalidRequestException.class)
        .verify(java.time.Duration.ofSeconds(5));
    StepVerifier.create(router.requestResponse(Message.of(Swim.ROUTE, new byte[] {9})))
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(InvalidRequestException.class).hasMessageContaining("version"))
        .verify(java.time.Duration.ofSeconds(5));
    StepVerifier.create(router.fireAndForget(Message.of(Swim.ROUTE, new byte[] {1, 4})))
        .verifyComplete(); // dropped with a warning
    StepVerifier.create(router.requestResponse(Message.of("echo", "still here")))
        .expectNextMatches(m -> m.payloadAsString().equals("still here"))
        .verifyComplete();
  }

  @Test
  @DisplayName("a request over the limit is refused without running the handler")
  void oversizeRequest() {
    StepVerifier.create(router.requestResponse(Message.of("echo", new byte[LIMIT + 1])))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(PayloadTooLargeException.class);
              assertThat(((PayloadTooLargeException) e).size()).isEqualTo(LIMIT + 1);
            })
        .verify();
  }

  @Test
  @DisplayName("an oversize later message of a channel is refused as such, not as a handler failure")
  void oversizeChannelMessage() {
    Flux<Message> in = Flux.just(Message.of("upper", "a"), Message.of("upper", new byte[LIMIT + 1]));
    StepVerifier.create(router.requestChannel(in))
        .expectNextCount(1)
        .expectError(PayloadTooLargeException.class)
        .verify();
  }

  @Test
  @DisplayName("an error on a channel's inbound side passes through untouched")
  void inboundChannelErrorPassesThrough() {
    Flux<Message> in =
        Flux.just(Message.of("upper", "a"))
            .concatWith(Flux.error(new InvalidRequestException("bad frame")));
    StepVerifier.create(router.requestChannel(in))
        .expectNextCount(1)
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(InvalidRequestException.class).hasMessage("bad frame"))
        .verify();
  }

  @Test
  @DisplayName("a handler that returns null fails as a handler failure")
  void nullPublisher() {
    StepVerifier.create(router.requestResponse(Message.of("null")))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(HandlerException.class);
              assertThat(((HandlerException) e).errorType())
                  .isEqualTo(NullPointerException.class.getName());
            })
        .verify();
  }

  @Test
  @DisplayName("an unknown channel route fails typed; an unknown fire-and-forget route is dropped")
  void unknownRoutes() {
    StepVerifier.create(router.requestChannel(Flux.just(Message.of("nope"))))
        .expectError(NoSuchRouteException.class)
        .verify();
    StepVerifier.create(router.fireAndForget(Message.of("nope"))).verifyComplete();
  }
}
