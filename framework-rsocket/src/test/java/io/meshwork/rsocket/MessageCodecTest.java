package io.meshwork.rsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshwork.Message;
import io.meshwork.NodeId;
import io.meshwork.error.InvalidRequestException;
import io.meshwork.error.PayloadTooLargeException;
import io.netty.buffer.CompositeByteBuf;
import io.rsocket.metadata.CompositeMetadataCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rsocket.Payload;
import io.rsocket.util.ByteBufPayload;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("MessageCodec round-trips messages and releases every payload it decodes")
class MessageCodecTest {

  private final LeakTrackingByteBufAllocator allocator = new LeakTrackingByteBufAllocator();
  private final MessageCodec codec = new MessageCodec(allocator, true);
  private static final int LIMIT = 1024;
  private final NodeId peer = NodeId.of("peer");

  @AfterEach
  void noLeaks() {
    allocator.assertAllReleased(Duration.ofSeconds(1));
  }

  /** What rsocket-java does with an outbound payload: frame it (copy), then release it. */
  private Payload overTheWire(Payload sent) {
    ByteBuf data = allocator.buffer().writeBytes(sent.data(), sent.data().readerIndex(), sent.data().readableBytes());
    ByteBuf metadata =
        sent.hasMetadata()
            ? allocator.buffer().writeBytes(sent.metadata(), sent.metadata().readerIndex(), sent.metadata().readableBytes())
            : null;
    sent.release();
    return metadata == null ? ByteBufPayload.create(data) : ByteBufPayload.create(data, metadata);
  }

  @Test
  @DisplayName("route, payload, headers and Lamport time survive a request")
  void requestRoundTrip() {
    Message m = Message.of("orders.create", "{\"id\":1}").withHeader("trace", "t-1").withHeader("ü", "ö").stamped(null, 42);
    Payload received = overTheWire(codec.request(m));
    Message decoded = codec.decodeRequest(received, true, peer, LIMIT, "self");
    assertThat(received.refCnt()).isZero();
    assertThat(decoded.route()).isEqualTo("orders.create");
    assertThat(decoded.payloadAsString()).isEqualTo("{\"id\":1}");
    assertThat(decoded.headers()).containsExactly(
        java.util.Map.entry("trace", "t-1"), java.util.Map.entry("ü", "ö"));
    assertThat(decoded.lamportTime()).isEqualTo(42);
    assertThat(decoded.sender()).isEqualTo(peer);
  }

  @Test
  @DisplayName("a reply without headers carries no metadata at all")
  void bareReply() {
    Payload sent = codec.following(Message.of("r", "x"), true);
    assertThat(sent.hasMetadata()).isFalse();
    Message decoded = codec.decodeFollowing(overTheWire(sent), "r", peer, true);
    assertThat(decoded.payloadAsString()).isEqualTo("x");
    assertThat(decoded.route()).isEqualTo("r");
  }

  @Test
  @DisplayName("malformed metadata is an InvalidRequestException, and the payload is still released")
  void malformed() {
    Payload bad =
        ByteBufPayload.create(
            allocator.buffer().writeByte(1), allocator.buffer().writeBytes(new byte[] {(byte) 0xFE, 0, 0, 9}));
    assertThatThrownBy(() -> codec.decodeRequest(bad, true, peer, LIMIT, "self"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("Malformed");
    assertThat(bad.refCnt()).isZero();
  }

  @Test
  @DisplayName("composite metadata without a routing entry names what is missing")
  void noRoute() {
    Message headersOnly = Message.of("r", "x").withHeader("a", "b");
    Payload sent = codec.following(headersOnly, true); // headers entry, no routing entry
    Payload received = overTheWire(sent);
    assertThatThrownBy(() -> codec.decodeRequest(received, true, peer, LIMIT, "self"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("message/x.rsocket.routing.v0");
    assertThat(received.refCnt()).isZero();
  }

  @Test
  @DisplayName("bare routing metadata (not composite) is understood")
  void bareRouting() {
    ByteBuf routing = allocator.buffer().writeByte(4).writeBytes("echo".getBytes());
    Payload p = ByteBufPayload.create(Unpooled.wrappedBuffer(new byte[] {7}), routing);
    Message m = codec.decodeRequest(p, false, null, LIMIT, "self");
    assertThat(m.route()).isEqualTo("echo");
    assertThat(m.payloadBytes()).containsExactly(7);
  }

  @Test
  @DisplayName("data over the limit is refused before it is copied, and the payload is released")
  void oversizeRefusedBeforeCopy() {
    Payload received = overTheWire(codec.request(Message.of("echo", new byte[LIMIT + 1])));
    assertThatThrownBy(() -> codec.decodeRequest(received, true, peer, LIMIT, "self"))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("1025")
        .hasMessageContaining("1024");
    assertThat(received.refCnt()).isZero();
  }

  @Test
  @DisplayName("a forged headers entry over the header limit, or with an empty name, is invalid")
  void forgedHeaders() {
    for (ByteBuf content :
        new ByteBuf[] {
          allocator.buffer().writeLong(0).writeShort(0).writeShort(1).writeByte('v'), // empty name
          oversizeHeaders()
        }) {
      CompositeByteBuf metadata = allocator.compositeBuffer();
      metadata.addComponent(true, Unpooled.wrappedBuffer(routeEntry()));
      CompositeMetadataCodec.encodeAndAddMetadata(
          metadata, allocator, MessageCodec.HEADERS_MIME, content);
      Payload p = ByteBufPayload.create(allocator.buffer().writeByte(1), metadata);
      assertThatThrownBy(() -> codec.decodeRequest(p, true, peer, LIMIT, "self"))
          .isInstanceOf(InvalidRequestException.class);
      assertThat(p.refCnt()).isZero();
    }
  }

  @Test
  @DisplayName("routes decoded through the route cache are exact, for many routes sharing its slots")
  void routeCache() {
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 300; i++) {
        String route = "route-" + i + (i % 7 == 0 ? "-ü" : "");
        Message m = Message.of(route, "x").stamped(null, i + 1);
        Message decoded = codec.decodeRequest(overTheWire(codec.request(m)), true, peer, LIMIT, "self");
        assertThat(decoded.route()).isEqualTo(route);
        assertThat(decoded.lamportTime()).isEqualTo(i + 1);
      }
    }
  }

  @Test
  @DisplayName("a route tag that overruns its routing entry, or an empty one, is invalid")
  void badRouteTags() {
    for (byte[] routing : new byte[][] {{5, 'a', 'b'}, {0}, {}}) {
      CompositeByteBuf metadata = allocator.compositeBuffer();
      CompositeMetadataCodec.encodeAndAddMetadata(
          metadata,
          allocator,
          io.rsocket.metadata.WellKnownMimeType.MESSAGE_RSOCKET_ROUTING,
          allocator.buffer().writeBytes(routing));
      Payload p = ByteBufPayload.create(allocator.buffer().writeByte(1), metadata);
      assertThatThrownBy(() -> codec.decodeRequest(p, true, peer, LIMIT, "self"))
          .isInstanceOf(InvalidRequestException.class);
      assertThat(p.refCnt()).isZero();
    }
  }

  @Test
  @DisplayName(
      "coalesced, a frame wraps the payload (the message's own array, also for an echo); without"
          + " coalescing, metadata and data are one pooled direct buffer; either way it round-trips"
          + " and is released")
  void framesByPayloadSize() {
    MessageCodec plain = new MessageCodec(allocator, false);
    for (boolean wrapped : new boolean[] {true, false}) {
      MessageCodec c = wrapped ? codec : plain;
      for (int size : new int[] {0, 1, 16, 511, 512, 1024, LIMIT}) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) size);
        Message out = Message.of("echo", bytes);
        Payload request = c.request(out.stamped(null, 5));
        Payload plainRequest = c.request(out, 0); // no Lamport time: routing only
        if (wrapped && size > 0) { // the message's own array: no copy until the write
          assertThat(request.data().array()).isSameAs(out.payloadArray());
          assertThat(plainRequest.data().array()).isSameAs(out.payloadArray());
        } else if (!wrapped) {
          assertThat(request.data().isDirect()).isTrue();
          assertThat(request.metadata().isDirect()).isTrue();
          assertThat(request.metadata().unwrap()).isSameAs(request.data()); // parts of one buffer
          assertThat(plainRequest.data().isDirect()).isTrue();
          assertThat(plainRequest.metadata().unwrap()).isSameAs(plainRequest.data());
        }
        assertThat(c.decodeRequest(overTheWire(plainRequest), true, peer, LIMIT, "self").payloadBytes())
            .isEqualTo(bytes);
        Message in = c.decodeRequest(overTheWire(request), true, peer, LIMIT, "self");
        assertThat(in.payloadBytes()).isEqualTo(bytes);
        assertThat(in.lamportTime()).isEqualTo(5);
        Payload reply = c.following(in.reply(in.payload()).stamped(null, 9), true);
        if (wrapped && size > 0) { // the echo shares the received array: no view, no copy
          assertThat(in.payloadArray()).isNotNull();
          assertThat(reply.data().array()).isSameAs(in.payloadArray());
        } else if (!wrapped) {
          assertThat(reply.data().isDirect()).isTrue();
          assertThat(reply.metadata().unwrap()).isSameAs(reply.data());
        }
        Message back = c.decodeFollowing(overTheWire(reply), "echo", peer, true);
        assertThat(back.payloadBytes()).isEqualTo(bytes);
        assertThat(back.lamportTime()).isEqualTo(9);
        Payload bare = c.following(in.reply(in.payload()), true); // no Lamport time, no headers
        assertThat(bare.hasMetadata()).isFalse();
        if (size > 0) { // (a wrapped empty array is Netty's empty buffer, which is direct)
          assertThat(bare.data().isDirect()).isEqualTo(!wrapped);
        }
        assertThat(c.decodeFollowing(overTheWire(bare), "echo", peer, true).payloadBytes())
            .isEqualTo(bytes);
      }
    }
  }

  @Test
  @DisplayName("a reply with only a Lamport time decodes it, whatever its value")
  void lamportOnlyReply() {
    for (long time : new long[] {1, 255, 256, Long.MAX_VALUE - 1}) {
      Payload sent = codec.following(Message.of("r", "x").stamped(null, time), true);
      Message decoded = codec.decodeFollowing(overTheWire(sent), "r", peer, true);
      assertThat(decoded.lamportTime()).isEqualTo(time);
      assertThat(decoded.headers()).isEmpty();
      assertThat(decoded.payloadAsString()).isEqualTo("x");
    }
  }

  private ByteBuf oversizeHeaders() {
    ByteBuf b = allocator.buffer().writeLong(0);
    byte[] value = new byte[Message.MAX_HEADERS_SIZE];
    java.util.Arrays.fill(value, (byte) 'v');
    b.writeShort(1).writeByte('k').writeShort(value.length).writeBytes(value);
    return b;
  }

  private byte[] routeEntry() {
    Payload p = codec.request(Message.of("echo"));
    ByteBuf md = p.metadata();
    byte[] bytes = new byte[md.readableBytes()];
    md.getBytes(md.readerIndex(), bytes);
    p.release();
    return bytes;
  }
}
