package io.meshwork.rsocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Message;
import io.meshwork.NodeId;
import io.meshwork.error.ConnectionClosedException;
import io.meshwork.error.InvalidRequestException;
import io.netty.buffer.ByteBuf;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.exceptions.ConnectionErrorException;
import io.rsocket.util.ByteBufPayload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

@DisplayName("WireCall: one request over rsocket-java, encoded per subscription, decoded and mapped")
class WireCallTest {

  private final LeakTrackingByteBufAllocator allocator = new LeakTrackingByteBufAllocator();
  private final MessageCodec codec = new MessageCodec(allocator, true);
  private final NodeId peer = NodeId.of("peer");
  private final Message request = Message.of("echo", "hi");

  /** An requester whose every request-response answers with the next publisher given. */
  private final class Requester implements RSocket {
    final List<Message> sent = new ArrayList<>();
    final List<TestPublisher<Payload>> replies = new ArrayList<>();
    TestPublisher.Violation violation;

    @Override
    public Mono<Payload> requestResponse(Payload payload) {
      sent.add(codec.decodeRequest(payload, true, null, 1024, "peer")); // releases, as rsocket does
      TestPublisher<Payload> reply =
          violation == null ? TestPublisher.create() : TestPublisher.createNoncompliant(violation);
      replies.add(reply);
      return reply.mono();
    }

    @Override
    public Mono<Void> fireAndForget(Payload payload) {
      sent.add(codec.decodeRequest(payload, true, null, 1024, "peer"));
      return Mono.empty();
    }
  }

  private final Requester rsocket = new Requester();

  @AfterEach
  void noLeaks() {
    allocator.assertAllReleased(Duration.ofSeconds(1));
  }

  /** A reply as it arrives: a frame the codec must release. */
  private Payload reply(String text, long lamport) {
    Payload encoded = codec.following(Message.of("echo", text).stamped(null, lamport), true);
    ByteBuf data = allocator.buffer().writeBytes(encoded.data());
    ByteBuf metadata = allocator.buffer().writeBytes(encoded.metadata());
    encoded.release();
    return ByteBufPayload.create(data, metadata);
  }

  @Test
  @DisplayName("nothing is encoded until subscribed, and each subscription sends a new request")
  void coldAndResubscribable() {
    Mono<Message> call = WireCall.requestResponse(rsocket, codec, request, 7, peer);
    assertThat(rsocket.sent).isEmpty();
    for (int i = 0; i < 2; i++) {
      int n = i;
      StepVerifier.create(call)
          .then(() -> rsocket.replies.get(n).emit(reply("back", 9)))
          .assertNext(
              m -> {
                assertThat(m.payloadAsString()).isEqualTo("back");
                assertThat(m.route()).isEqualTo("echo");
                assertThat(m.sender()).isEqualTo(peer);
                assertThat(m.lamportTime()).isEqualTo(9);
              })
          .verifyComplete();
    }
    assertThat(rsocket.sent).hasSize(2);
    assertThat(rsocket.sent.get(0).lamportTime()).isEqualTo(7); // the time given, not the message's
    assertThat(rsocket.sent.get(0).route()).isEqualTo("echo");
    assertThat(rsocket.sent.get(0).payloadAsString()).isEqualTo("hi");
  }

  @Test
  @DisplayName("a transport error is mapped to Meshwork's type, naming route and peer")
  void errorMapped() {
    StepVerifier.create(WireCall.requestResponse(rsocket, codec, request, 7, peer))
        .then(() -> rsocket.replies.get(0).error(new ConnectionErrorException("gone")))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(ConnectionClosedException.class)
                    .hasMessageContaining("echo")
                    .hasMessageContaining("peer"))
        .verify();
  }

  @Test
  @DisplayName("a reply that cannot be decoded cancels the request, fails the call and is released")
  void malformedReply() {
    rsocket.violation = TestPublisher.Violation.CLEANUP_ON_TERMINATE;
    ByteBuf badMetadata = allocator.buffer().writeBytes(new byte[] {(byte) 0x05, 1}); // overruns
    Payload bad = ByteBufPayload.create(allocator.buffer().writeByte(1), badMetadata);
    StepVerifier.create(WireCall.requestResponse(rsocket, codec, request, 7, peer))
        .then(() -> rsocket.replies.get(0).next(bad))
        .expectError(InvalidRequestException.class)
        .verify();
    rsocket.replies.get(0).assertCancelled();
    assertThat(bad.refCnt()).isZero();
  }

  @Test
  @DisplayName("demand and cancel pass straight through to the requester")
  void demandAndCancel() {
    StepVerifier.create(WireCall.requestResponse(rsocket, codec, request, 7, peer), 0)
        .expectSubscription()
        .then(() -> rsocket.replies.get(0).assertWasNotRequested())
        .thenRequest(1)
        .then(() -> rsocket.replies.get(0).assertWasRequested())
        .thenCancel()
        .verify();
    rsocket.replies.get(0).assertCancelled();
  }

  @Test
  @DisplayName("fire-and-forget completes when the requester does, and sends per subscription")
  void fireAndForget() {
    Mono<Void> send = WireCall.fireAndForget(rsocket, codec, request, 7, peer);
    StepVerifier.create(send).verifyComplete();
    StepVerifier.create(send).verifyComplete();
    assertThat(rsocket.sent).hasSize(2);
    assertThat(rsocket.sent).allSatisfy(m -> assertThat(m.lamportTime()).isEqualTo(7));
  }
}
