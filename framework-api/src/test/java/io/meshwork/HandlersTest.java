package io.meshwork;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class HandlersTest {

  @Test
  @DisplayName("requestResponse gives a REQUEST_RESPONSE handler that delegates to the function")
  void requestResponse() {
    RequestResponseHandler handler =
        Handlers.requestResponse(m -> Mono.just(m.reply(m.payloadAsString().toUpperCase())));
    assertThat(handler.interaction()).isEqualTo(Interaction.REQUEST_RESPONSE);
    StepVerifier.create(handler.handle(Message.of("up", "hi")))
        .assertNext(reply -> assertThat(reply).isEqualTo(Message.of("up", "HI")))
        .verifyComplete();
  }

  @Test
  @DisplayName("stream gives a REQUEST_STREAM handler that delegates to the function")
  void stream() {
    RequestStreamHandler handler =
        Handlers.stream(m -> Flux.range(1, 3).map(i -> m.reply(m.payloadAsString() + i)));
    assertThat(handler.interaction()).isEqualTo(Interaction.REQUEST_STREAM);
    StepVerifier.create(handler.handle(Message.of("t", "tick")).map(Message::payloadAsString))
        .expectNext("tick1", "tick2", "tick3")
        .verifyComplete();
  }

  @Test
  @DisplayName("channel gives a REQUEST_CHANNEL handler that delegates to the function")
  void channel() {
    RequestChannelHandler handler =
        Handlers.channel(in -> in.map(m -> m.reply(m.payloadAsString().toUpperCase())));
    assertThat(handler.interaction()).isEqualTo(Interaction.REQUEST_CHANNEL);
    StepVerifier.create(
            handler
                .handle(Flux.just(Message.of("u", "a"), Message.of("u", "b")))
                .map(Message::payloadAsString))
        .expectNext("A", "B")
        .verifyComplete();
  }

  @Test
  @DisplayName("fireAndForget gives a FIRE_AND_FORGET handler that runs the consumer on subscription only")
  void fireAndForgetIsLazy() {
    List<String> seen = new ArrayList<>();
    FireAndForgetHandler handler = Handlers.fireAndForget(m -> seen.add(m.payloadAsString()));
    assertThat(handler.interaction()).isEqualTo(Interaction.FIRE_AND_FORGET);

    Mono<Void> handled = handler.handle(Message.of("news", "v2"));
    assertThat(seen).as("nothing runs before subscription").isEmpty();

    StepVerifier.create(handled).verifyComplete();
    assertThat(seen).containsExactly("v2");

    StepVerifier.create(handled).verifyComplete();
    assertThat(seen).as("each subscription runs the consumer again").containsExactly("v2", "v2");
  }

  @Test
  @DisplayName("fireAndForget's handler names its consumer, for a node to run directly; a lambda handler names none")
  void fireAndForgetConsumer() {
    List<String> seen = new ArrayList<>();
    Consumer<Message> consumer = m -> seen.add(m.payloadAsString());
    FireAndForgetHandler handler = Handlers.fireAndForget(consumer);
    assertThat(handler.consumer()).isSameAs(consumer);

    FireAndForgetHandler lambda = m -> Mono.fromRunnable(() -> seen.add("lambda"));
    assertThat(lambda.consumer()).isNull();
    StepVerifier.create(lambda.handle(Message.of("news"))).verifyComplete();
    assertThat(seen).containsExactly("lambda");
  }

  @Test
  @DisplayName("fireAndForget signals the consumer's exception as an error")
  void fireAndForgetError() {
    FireAndForgetHandler handler =
        Handlers.fireAndForget(
            m -> {
              throw new IllegalStateException("boom");
            });
    StepVerifier.create(handler.handle(Message.of("news")))
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage("boom"))
        .verify();
  }

  @Test
  @DisplayName("plain lambdas of each handler interface report their own interaction model")
  void lambdasReportInteraction() {
    RequestResponseHandler rr = m -> Mono.empty();
    RequestStreamHandler rs = m -> Flux.empty();
    RequestChannelHandler rc = in -> Flux.empty();
    FireAndForgetHandler ff = m -> Mono.empty();
    assertThat(List.<Handler>of(rr, rs, rc, ff))
        .extracting(Handler::interaction)
        .containsExactly(
            Interaction.REQUEST_RESPONSE,
            Interaction.REQUEST_STREAM,
            Interaction.REQUEST_CHANNEL,
            Interaction.FIRE_AND_FORGET);
  }
}
