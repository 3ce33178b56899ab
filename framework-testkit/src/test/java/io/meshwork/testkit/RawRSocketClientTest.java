package io.meshwork.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.meshwork.Handlers;
import io.meshwork.Node;
import io.meshwork.rsocket.LeakTrackingByteBufAllocator;
import io.meshwork.rsocket.RSocketTransport;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.core.RSocketConnector;
import io.rsocket.exceptions.CustomRSocketException;
import io.rsocket.exceptions.InvalidException;
import io.rsocket.metadata.CompositeMetadataCodec;
import io.rsocket.metadata.TaggingMetadataCodec;
import io.rsocket.metadata.WellKnownMimeType;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.util.DefaultPayload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

@DisplayName("A plain rsocket-java client can call a node's routes, and bad input gets error frames")
class RawRSocketClientTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String COMPOSITE =
      WellKnownMimeType.MESSAGE_RSOCKET_COMPOSITE_METADATA.getString();
  private static final String ROUTING = WellKnownMimeType.MESSAGE_RSOCKET_ROUTING.getString();
  private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false, true);

  private final LeakTrackingByteBufAllocator allocator = new LeakTrackingByteBufAllocator();
  private Node node;
  private RSocket client;

  @BeforeEach
  void start() {
    node =
        Node.builder()
            .bind("127.0.0.1", 0)
            .transport(RSocketTransport.builder().allocator(allocator).build())
            .maxInboundPayloadSize(1024)
            .route("echo", Handlers.requestResponse(m -> Mono.just(m.reply(m.payload()))))
            .route("ticks", Handlers.stream(m -> Flux.range(0, 10).map(i -> m.reply("t" + i))))
            .route(
                "boom",
                Handlers.requestResponse(
                    m -> {
                      throw new IllegalStateException("kaput");
                    }))
            .build();
    node.start().block(TIMEOUT);
    client = connect(COMPOSITE);
  }

  @AfterEach
  void stop() {
    client.dispose();
    node.shutdown().block(TIMEOUT);
    allocator.assertAllReleased(Duration.ofSeconds(5));
  }

  private RSocket connect(String metadataMime) {
    return RSocketConnector.create()
        .metadataMimeType(metadataMime)
        .connect(TcpClientTransport.create("127.0.0.1", node.address().port()))
        .block(TIMEOUT);
  }

  private static byte[] routing(String route) {
    return bytes(TaggingMetadataCodec.createTaggingContent(HEAP, List.of(route)));
  }

  private static byte[] compositeRouting(String route) {
    CompositeByteBuf md = HEAP.compositeBuffer();
    CompositeMetadataCodec.encodeAndAddMetadata(
        md,
        HEAP,
        WellKnownMimeType.MESSAGE_RSOCKET_ROUTING,
        TaggingMetadataCodec.createTaggingContent(HEAP, List.of(route)));
    return bytes(md);
  }

  private static byte[] bytes(io.netty.buffer.ByteBuf buf) {
    byte[] b = new byte[buf.readableBytes()];
    buf.getBytes(buf.readerIndex(), b);
    buf.release();
    return b;
  }

  private static Payload payload(String data, byte[] metadata) {
    return DefaultPayload.create(data.getBytes(StandardCharsets.UTF_8), metadata);
  }

  private static String text(Payload p) {
    try {
      return p.getDataUtf8();
    } finally {
      p.release();
    }
  }

  private void assertEchoStillWorks() {
    StepVerifier.create(
            client.requestResponse(payload("again", compositeRouting("echo"))).map(r -> text(r)))
        .expectNext("again")
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  @DisplayName("request-response with routing metadata inside composite metadata")
  void compositeRouting() {
    StepVerifier.create(
            client.requestResponse(payload("hi", compositeRouting("echo"))).map(r -> text(r)))
        .expectNext("hi")
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  @DisplayName("request-stream with routing metadata as the connection's metadata type")
  void bareRouting() {
    RSocket bare = connect(ROUTING);
    try {
      StepVerifier.create(bare.requestStream(payload("", routing("ticks"))).map(r -> text(r)))
          .expectNext("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9")
          .expectComplete()
          .verify(TIMEOUT);
    } finally {
      bare.dispose();
    }
  }

  @Test
  @DisplayName("malformed composite metadata gets an INVALID error frame; the node keeps serving")
  void malformedMetadata() {
    byte[] garbage = {(byte) 0xFE, 0x00, 0x00, 0x7F, 0x01};
    StepVerifier.create(client.requestResponse(payload("x", garbage)))
        .expectErrorSatisfies(
            e -> assertThat(e).isInstanceOf(InvalidException.class).hasMessageContaining("Malformed"))
        .verify(TIMEOUT);
    StepVerifier.create(client.fireAndForget(payload("x", garbage))).verifyComplete();
    assertEchoStillWorks();
  }

  @Test
  @DisplayName("a request without metadata gets an INVALID error frame naming what is missing")
  void missingMetadata() {
    StepVerifier.create(client.requestResponse(DefaultPayload.create("x")))
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(InvalidException.class)
                    .hasMessageContaining("message/x.rsocket.routing.v0"))
        .verify(TIMEOUT);
    assertEchoStillWorks();
  }

  @Test
  @DisplayName("an unknown route gets Meshwork's NO_SUCH_ROUTE code with a readable message")
  void unknownRoute() {
    StepVerifier.create(client.requestResponse(payload("x", compositeRouting("nope"))))
        .expectErrorSatisfies(
            e -> {
              assertThat(e).isInstanceOf(CustomRSocketException.class);
              assertThat(((CustomRSocketException) e).errorCode()).isEqualTo(0x301);
              assertThat(e).hasMessageContaining("'nope'").hasMessageContaining(node.id().value());
            })
        .verify(TIMEOUT);
    assertEchoStillWorks();
  }

  @Test
  @DisplayName("a failing handler's type and message reach a plain client")
  void handlerFailure() {
    StepVerifier.create(client.requestResponse(payload("x", compositeRouting("boom"))))
        .expectErrorSatisfies(
            e -> {
              assertThat(((CustomRSocketException) e).errorCode()).isEqualTo(0x302);
              assertThat(e).hasMessage("java.lang.IllegalStateException: kaput");
            })
        .verify(TIMEOUT);
    assertEchoStillWorks();
  }

  @Test
  @DisplayName("a payload over the node's limit is refused by the node itself; the connection stays usable")
  void oversizePayload() {
    StepVerifier.create(
            client.requestResponse(payload("x".repeat(4096), compositeRouting("echo"))))
        .expectErrorSatisfies(
            e -> {
              assertThat(((CustomRSocketException) e).errorCode()).isEqualTo(0x303);
              assertThat(e).hasMessageContaining("4096").hasMessageContaining("1024");
            })
        .verify(TIMEOUT);
    assertEchoStillWorks();
  }
}
