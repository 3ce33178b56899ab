package io.meshwork.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
import io.rsocket.Payload;
import io.rsocket.frame.CancelFrameCodec;
import io.rsocket.frame.MetadataPushFrameCodec;
import io.rsocket.frame.PayloadFrameCodec;
import io.rsocket.frame.RequestChannelFrameCodec;
import io.rsocket.frame.RequestFireAndForgetFrameCodec;
import io.rsocket.frame.RequestResponseFrameCodec;
import io.rsocket.frame.RequestStreamFrameCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FramePayloadDecoderTest {

  private final LeakTrackingByteBufAllocator allocator = new LeakTrackingByteBufAllocator();

  @AfterEach
  void allReleased() {
    allocator.assertAllReleased(Duration.ofSeconds(1));
  }

  /** Encodes a frame of one type around the given metadata (or none) and data. */
  interface Encoder {
    ByteBuf encode(ByteBufAllocator allocator, @Nullable ByteBuf metadata, ByteBuf data);
  }

  static Stream<Arguments> payloadFrames() {
    return Stream.of(
        Arguments.of("REQUEST_FNF", (Encoder) (a, m, d) -> RequestFireAndForgetFrameCodec.encode(a, 1, false, m, d)),
        Arguments.of("REQUEST_RESPONSE", (Encoder) (a, m, d) -> RequestResponseFrameCodec.encode(a, 1, false, m, d)),
        Arguments.of("REQUEST_STREAM", (Encoder) (a, m, d) -> RequestStreamFrameCodec.encode(a, 1, false, 8, m, d)),
        Arguments.of(
            "REQUEST_CHANNEL", (Encoder) (a, m, d) -> RequestChannelFrameCodec.encode(a, 1, false, false, 8, m, d)),
        Arguments.of("NEXT", (Encoder) (a, m, d) -> PayloadFrameCodec.encode(a, 1, false, false, true, m, d)),
        Arguments.of(
            "NEXT_COMPLETE", (Encoder) (a, m, d) -> PayloadFrameCodec.encode(a, 1, false, true, true, m, d)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("payloadFrames")
  @DisplayName("a payload frame becomes views of it, holding one reference, given back on release")
  void viewsHoldingOneReference(String type, Encoder encoder) {
    ByteBuf frame = encoder.encode(allocator, utf8("route"), utf8("payload"));
    int before = frame.refCnt();

    Payload p = FramePayloadDecoder.INSTANCE.apply(frame);
    assertThat(frame.refCnt()).as("one reference taken").isEqualTo(before + 1);
    frame.release(); // as rsocket-java does once the payload is decoded

    assertThat(p.hasMetadata()).isTrue();
    assertThat(text(p.metadata())).isEqualTo("route");
    assertThat(text(p.data())).isEqualTo("payload");
    assertThat(text(p.sliceMetadata())).isEqualTo("route");
    assertThat(text(p.sliceData())).isEqualTo("payload");
    assertThat(p.getDataUtf8()).isEqualTo("payload");

    assertThat(p.retain()).isSameAs(p);
    assertThat(p.release()).as("still retained once more").isFalse();
    assertThat(frame.refCnt()).isEqualTo(before);
    assertThat(p.release()).isTrue();
    assertThat(frame.refCnt()).as("the frame's last reference went with the payload's").isZero();
    assertThatThrownBy(p::data).isInstanceOf(IllegalReferenceCountException.class);
    assertThatThrownBy(p::hasMetadata).isInstanceOf(IllegalReferenceCountException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("payloadFrames")
  @DisplayName("a frame without metadata has none, and an empty metadata buffer")
  void noMetadata(String type, Encoder encoder) {
    ByteBuf frame = encoder.encode(allocator, null, utf8("payload"));
    Payload p = FramePayloadDecoder.INSTANCE.apply(frame);
    frame.release();

    assertThat(p.hasMetadata()).isFalse();
    assertThat(p.metadata().readableBytes()).isZero();
    assertThat(text(p.data())).isEqualTo("payload");
    assertThat(p.release()).isTrue();
  }

  @Test
  @DisplayName("a METADATA_PUSH has the metadata and empty data")
  void metadataPush() {
    ByteBuf frame = MetadataPushFrameCodec.encode(allocator, utf8("hello"));
    Payload p = FramePayloadDecoder.INSTANCE.apply(frame);
    frame.release();

    assertThat(text(p.metadata())).isEqualTo("hello");
    assertThat(p.data().readableBytes()).isZero();
    assertThat(p.release()).isTrue();
  }

  @Test
  @DisplayName("a frame without a payload is refused, and not retained")
  void noPayload() {
    ByteBuf frame = CancelFrameCodec.encode(allocator, 1);
    assertThatThrownBy(() -> FramePayloadDecoder.INSTANCE.apply(frame))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CANCEL");
    assertThat(frame.refCnt()).isEqualTo(1);
    frame.release();
  }

  private static ByteBuf utf8(String s) {
    return Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String text(ByteBuf b) {
    return b.toString(StandardCharsets.UTF_8);
  }
}
