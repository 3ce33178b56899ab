package io.meshwork.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Message;
import io.meshwork.error.HandlerException;
import io.meshwork.error.RejectedException;
import io.meshwork.transport.WireErrors;
import io.rsocket.RSocketErrorException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

@DisplayName("EncodedReply: a responder's answer encoded, its errors in wire form, in one operator")
class EncodedReplyTest {

  private final LeakTrackingByteBufAllocator allocator = new LeakTrackingByteBufAllocator();
  private final MessageCodec codec = new MessageCodec(allocator, true);

  @AfterEach
  void noLeaks() {
    allocator.assertAllReleased(Duration.ofSeconds(1));
  }

  @Test
  @DisplayName("the reply is encoded with its Lamport time, and decodes back to the same message")
  void encodes() {
    Message reply = Message.of("echo", "back").stamped(null, 12);
    StepVerifier.create(new EncodedReply(Mono.just(reply), codec, true))
        .assertNext(
            p -> {
              Message decoded = codec.decodeFollowing(p, "echo", null, true); // releases p
              assertThat(decoded.payloadAsString()).isEqualTo("back");
              assertThat(decoded.lamportTime()).isEqualTo(12);
            })
        .verifyComplete();
  }

  @Test
  @DisplayName("errors take their wire form, with the code WireErrors gives them")
  void errorsToWire() {
    HandlerException failure = new HandlerException("echo", "self", "x.Y", "boom", null);
    StepVerifier.create(new EncodedReply(Mono.error(failure), codec, true))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(RSocketErrorException.class).hasMessageContaining("boom");
              assertThat(((RSocketErrorException) e).errorCode())
                  .isEqualTo(WireErrors.code(failure));
            })
        .verify();
    StepVerifier.create(new EncodedReply(Mono.error(new RejectedException("busy")), codec, true))
        .expectError(io.rsocket.exceptions.RejectedException.class)
        .verify();
  }

  @Test
  @DisplayName("demand and cancel pass straight through to the handler's publisher")
  void demandAndCancel() {
    TestPublisher<Message> handler = TestPublisher.create();
    StepVerifier.create(new EncodedReply(handler.mono(), codec, true), 0)
        .expectSubscription()
        .then(handler::assertWasNotRequested)
        .thenRequest(1)
        .then(handler::assertWasRequested)
        .thenCancel()
        .verify();
    handler.assertCancelled();
  }
}
