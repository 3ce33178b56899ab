package io.meshwork.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.FireAndForgetHandler;
import io.meshwork.Handlers;
import io.meshwork.Interaction;
import io.meshwork.core.metrics.Metered;
import io.meshwork.spi.CallOutcome;
import io.meshwork.spi.NodeMetrics;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
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
import io.meshwork.clock.LamportClock;
import io.meshwork.spi.Route;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

@DisplayName("The router turns every failure into a typed error")
class RouterTest {

  private static final int LIMIT = 100;

  private final TestPublisher<Message> silent = TestPublisher.create();
  private final TestPublisher<Void> sinking = TestPublisher.create();
  private final LamportClock clock = new LamportClock();
  private final Admission admission = new Admission(NodeId.of("self"), 100, 10);
  private final List<String> consumed = new ArrayList<>();
  private final List<Integer> slotsTaken = new ArrayList<>();
  private final List<Thread> consumerThreads = new ArrayList<>();

  private final Router router = router(null);

  private Router router(@Nullable Metered metered) {
    return new Router(
          NodeId.of("self"),
          new RouteTable(
              List.of(
                  new Route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload())))),
                  new Route("null", (RequestResponseHandler) m -> null),
                  new Route("fails", (RequestResponseHandler) m -> Mono.error(new IllegalStateException("boom"))),
                  new Route("silent", (RequestResponseHandler) m -> silent.mono()),
                  new Route("sink", (FireAndForgetHandler) m -> sinking.mono()),
                  new Route("sinkFails", (FireAndForgetHandler) m -> Mono.error(new IllegalStateException("boom"))),
                  new Route("sinkThrows", (FireAndForgetHandler) m -> { throw new IllegalStateException("thrown"); }),
                  new Route("sinkNull", (FireAndForgetHandler) m -> null),
                  new Route("consume", Handlers.fireAndForget(this::consume)),
                  new Route("consumeThrows", Handlers.fireAndForget(m -> { throw new IllegalStateException("thrown"); })),
                  new Route("upper", Handlers.channel(in -> in.map(m -> m.reply("ok")))))),
          LIMIT,
          clock,
          metered,
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
              },
              event -> {}),
          admission,
          c -> {});
  }

  private void consume(Message m) {
    consumed.add(m.payloadAsString());
    slotsTaken.add(admission.running());
    consumerThreads.add(Thread.currentThread());
  }

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

  @Nested
  @DisplayName("a request-response handler's answer (HandledReply)")
  class Answers {

    @Test
    @DisplayName("leaves stamped with the node's next Lamport time, after the request advanced it")
    void stamped() {
      Message request = Message.of("echo", "hi").stamped(NodeId.of("peer"), 41);
      StepVerifier.create(router.requestResponse(request))
          .assertNext(
              reply -> {
                assertThat(reply.payloadAsString()).isEqualTo("hi");
                assertThat(reply.lamportTime()).isEqualTo(43); // received 41 -> 42, reply ticks 43
              })
          .verifyComplete();
      assertThat(clock.now()).isEqualTo(43);
    }

    @Test
    @DisplayName("a handler's error becomes a HandlerException naming route, node and cause")
    void failure() {
      StepVerifier.create(router.requestResponse(Message.of("fails")))
          .expectErrorSatisfies(
              e -> {
                assertThat(e).isInstanceOf(HandlerException.class).hasMessageContaining("boom");
                assertThat(((HandlerException) e).errorType())
                    .isEqualTo(IllegalStateException.class.getName());
              })
          .verify();
    }

    @Test
    @DisplayName("demand and cancel reach the handler's publisher unchanged: no prefetch")
    void demandAndCancel() {
      StepVerifier.create(router.requestResponse(Message.of("silent")), 0)
          .expectSubscription()
          .then(silent::assertWasNotRequested)
          .thenRequest(1)
          .then(silent::assertWasRequested)
          .thenCancel()
          .verify();
      silent.assertCancelled();
    }
  }

  @Nested
  @DisplayName("a fire-and-forget handler's completion (HandledSend)")
  class Sends {

    @Test
    @DisplayName("a failure, signalled, thrown or a null publisher, is logged and the message counts as handled")
    void failuresComplete() {
      for (String route : new String[] {"sinkFails", "sinkThrows", "sinkNull"}) {
        StepVerifier.create(router.fireAndForget(Message.of(route))).verifyComplete();
      }
    }

    @Test
    @DisplayName("completes when the handler does; demand and cancel reach it unchanged")
    void passesThrough() {
      StepVerifier.create(router.fireAndForget(Message.of("sink")), 0)
          .expectSubscription()
          .thenCancel()
          .verify();
      sinking.assertCancelled();
      StepVerifier.create(router.fireAndForget(Message.of("sink")))
          .then(sinking::complete)
          .verifyComplete();
    }

    @Test
    @DisplayName("the message advances the Lamport clock")
    void advancesClock() {
      StepVerifier.create(router.fireAndForget(Message.of("sinkFails").stamped(null, 99)))
          .verifyComplete();
      assertThat(clock.now()).isEqualTo(100);
    }
  }
  @Nested
  @DisplayName("on a metered node, every fire-and-forget outcome is recorded, as no sender sees it")
  class MeteredSends {

    private final List<String> recorded = new ArrayList<>();
    private final AtomicInteger active = new AtomicInteger();
    private final Router metered =
        router(new Metered(new Recording(recorded), Environment.system(), active));

    @Test
    @DisplayName("success, handler_failed (signalled, thrown, null, a consumer), cancelled")
    void handlerOutcomes() {
      StepVerifier.create(metered.fireAndForget(Message.of("consume", "a"))).verifyComplete();
      StepVerifier.create(metered.fireAndForget(Message.of("consumeThrows"))).verifyComplete();
      StepVerifier.create(metered.fireAndForget(Message.of("sink")), 0)
          .expectSubscription()
          .then(() -> assertThat(active).as("counted active while its handler runs").hasValue(1))
          .thenCancel()
          .verify();
      StepVerifier.create(metered.fireAndForget(Message.of("sink")))
          .then(sinking::complete)
          .verifyComplete();
      for (String route : new String[] {"sinkFails", "sinkThrows", "sinkNull"}) {
        StepVerifier.create(metered.fireAndForget(Message.of(route))).verifyComplete();
      }

      assertThat(recorded)
          .containsExactly(
              "consume SUCCESS",
              "consumeThrows HANDLER_FAILED",
              "sink CANCELLED",
              "sink SUCCESS",
              "sinkFails HANDLER_FAILED",
              "sinkThrows HANDLER_FAILED",
              "sinkNull HANDLER_FAILED");
      assertThat(active).hasValue(0);
    }

    @Test
    @DisplayName("a message dropped before any handler ran: no_route (tagged UNKNOWN), payload_too_large, rejected")
    void drops() {
      StepVerifier.create(metered.fireAndForget(Message.of("nope"))).verifyComplete();
      StepVerifier.create(metered.fireAndForget(Message.of("sink", new byte[LIMIT + 1])))
          .verifyComplete();
      for (int i = 0; i < 10; i++) { // the per-peer cap, held by handlers that have not ended
        metered.fireAndForget(Message.of("sink")).subscribe();
      }
      StepVerifier.create(metered.fireAndForget(Message.of("sink"))).verifyComplete();
      sinking.assertSubscribers(10);

      assertThat(recorded)
          .containsExactly("UNKNOWN NO_ROUTE", "sink PAYLOAD_TOO_LARGE", "sink REJECTED");
      assertThat(active).as("the 10 handlers still running").hasValue(10);
    }
  }

  /** Records each call's route and outcome. */
  private record Recording(List<String> calls) implements NodeMetrics.Recorder {
    @Override
    public void call(
        String route, Interaction interaction, boolean inbound, CallOutcome outcome, long nanos) {
      assertThat(interaction).isEqualTo(Interaction.FIRE_AND_FORGET);
      assertThat(inbound).isTrue();
      calls.add(route + " " + outcome);
    }

    @Override
    public void message(boolean inbound, int payloadBytes) {}

    @Override
    public void retry() {}

    @Override
    public void dropped(long count) {}
  }

  @Nested
  @DisplayName("a consumer handler (Handlers.fireAndForget) runs as its message is handed over (ConsumedSend)")
  class Consumers {

    @Test
    @DisplayName("on subscription only, on the subscribing thread, taking no admission slot")
    void runsOnSubscription() {
      Mono<Void> send = router.fireAndForget(Message.of("consume", "a"));
      assertThat(consumed).as("nothing runs before subscription").isEmpty();

      StepVerifier.create(send).verifyComplete();
      assertThat(consumed).containsExactly("a");
      assertThat(slotsTaken).as("admission slots taken while it ran").containsExactly(0);
      assertThat(consumerThreads).containsExactly(Thread.currentThread());
      assertThat(admission.running()).isZero();
    }

    @Test
    @DisplayName("runs while the peer's slots are all taken, when a handler's Mono is refused")
    void runsWhenTheSlotsAreTaken() {
      for (int i = 0; i < 10; i++) { // the per-peer cap, held by handlers that have not ended
        router.fireAndForget(Message.of("sink")).subscribe();
      }
      assertThat(admission.running()).isEqualTo(10);
      sinking.assertSubscribers(10);

      StepVerifier.create(router.fireAndForget(Message.of("sink"))).verifyComplete();
      sinking.assertSubscribers(10); // the eleventh handler's Mono was refused

      StepVerifier.create(router.fireAndForget(Message.of("consume", "b"))).verifyComplete();
      assertThat(consumed).containsExactly("b");
      assertThat(slotsTaken).containsExactly(10);

      sinking.complete();
      assertThat(admission.running()).as("the handlers' slots freed, none leaked").isZero();
    }

    @Test
    @DisplayName("an exception is logged and the message counts as handled; the clock advances")
    void failureCompletes() {
      StepVerifier.create(router.fireAndForget(Message.of("consumeThrows").stamped(null, 41)))
          .verifyComplete();
      assertThat(clock.now()).isEqualTo(42);
      assertThat(admission.running()).isZero();
    }
  }
}
