package io.meshwork;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.ReadOnlyBufferException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MessageTest {

  private static final NodeId NODE_A = NodeId.of("node-a");
  private static final NodeId NODE_B = NodeId.of("node-b");

  private static ByteBuffer utf8(String text) {
    return ByteBuffer.wrap(text.getBytes(UTF_8));
  }

  @Nested
  @DisplayName("factories")
  class Factories {

    @Test
    @DisplayName("of(route) has an empty payload, no headers, no sender and Lamport time 0")
    void ofRouteOnly() {
      Message m = Message.of("ping");
      assertThat(m.route()).isEqualTo("ping");
      assertThat(m.payloadSize()).isZero();
      assertThat(m.payloadBytes()).isEmpty();
      assertThat(m.payloadAsString()).isEmpty();
      assertThat(m.headers()).isEmpty();
      assertThat(m.sender()).isNull();
      assertThat(m.lamportTime()).isZero();
    }

    @Test
    @DisplayName("of(route, String) carries the UTF-8 encoding of the text")
    void ofString() {
      String text = "h\u00e9llo \u65e5\u672c \ud83d\ude00";
      Message m = Message.of("echo", text);
      assertThat(m.route()).isEqualTo("echo");
      assertThat(m.payloadAsString()).isEqualTo(text);
      assertThat(m.payloadBytes()).isEqualTo(text.getBytes(UTF_8));
      assertThat(m.payloadSize()).isEqualTo(text.getBytes(UTF_8).length).isGreaterThan(text.length());
      assertThat(m.headers()).isEmpty();
      assertThat(m.sender()).isNull();
      assertThat(m.lamportTime()).isZero();
    }

    @Test
    @DisplayName("of(route, byte[]) carries the bytes")
    void ofBytes() {
      Message m = Message.of("bin", new byte[] {0, 1, 2, (byte) 0xff});
      assertThat(m.payloadBytes()).containsExactly(0, 1, 2, 0xff);
      assertThat(m.payloadSize()).isEqualTo(4);
    }

    @Test
    @DisplayName("of(route, byte[]) copies: changing the array afterwards does not change the message")
    void ofBytesCopies() {
      byte[] bytes = "abc".getBytes(UTF_8);
      Message m = Message.of("bin", bytes);
      bytes[0] = 'X';
      bytes[2] = 'Z';
      assertThat(m.payloadAsString()).isEqualTo("abc");
      assertThat(m.payloadBytes()).containsExactly('a', 'b', 'c');
    }

    @Test
    @DisplayName("of(route, ByteBuffer) takes the bytes between position and limit")
    void ofByteBufferTakesRemaining() {
      ByteBuffer buffer = utf8("xxHELLOyy");
      buffer.position(2).limit(7);
      Message m = Message.of("buf", buffer);
      assertThat(m.payloadAsString()).isEqualTo("HELLO");
      assertThat(m.payloadSize()).isEqualTo(5);
      assertThat(m.payload().position()).isZero();
      // the caller's buffer is not moved
      assertThat(buffer.position()).isEqualTo(2);
      assertThat(buffer.limit()).isEqualTo(7);
    }

    @Test
    @DisplayName("of(route, value, codec) carries the codec's encoding")
    void ofCodec() {
      Codec<Integer> intCodec =
          new Codec<>() {
            @Override
            public ByteBuffer encode(Integer value) {
              return ByteBuffer.allocate(4).putInt(0, value);
            }

            @Override
            public Integer decode(ByteBuffer bytes) {
              return bytes.getInt();
            }
          };
      Message m = Message.of("int", 0x01020304, intCodec);
      assertThat(m.payloadBytes()).containsExactly(1, 2, 3, 4);
      assertThat(m.decode(intCodec)).isEqualTo(0x01020304);

      assertThat(Message.of("text", "h\u00e9", Codecs.utf8()))
          .isEqualTo(Message.of("text", "h\u00e9"));
    }

    @Test
    @DisplayName("rejects an empty route in every factory")
    void rejectsEmptyRoute() {
      List<Runnable> factories =
          List.of(
              () -> Message.of(""),
              () -> Message.of("", "text"),
              () -> Message.of("", new byte[1]),
              () -> Message.of("", ByteBuffer.allocate(1)),
              () -> Message.of("", "text", Codecs.utf8()),
              () -> Message.create("", ByteBuffer.allocate(0), Map.of(), null, 0));
      for (Runnable factory : factories) {
        assertThatIllegalArgumentException()
            .isThrownBy(factory::run)
            .withMessageContaining("route must not be empty");
      }
    }

    @Test
    @DisplayName("rejects a null route")
    void rejectsNullRoute() {
      assertThatNullPointerException().isThrownBy(() -> Message.of(null, "x")).withMessage("route");
      assertThatNullPointerException()
          .isThrownBy(() -> Message.create(null, ByteBuffer.allocate(0), Map.of(), null, 0))
          .withMessage("route");
    }
  }

  @Nested
  @DisplayName("payload access")
  class PayloadAccess {

    @Test
    @DisplayName("payload() is read-only: writing throws ReadOnlyBufferException")
    void payloadIsReadOnly() {
      Message m = Message.of("r", new byte[] {1, 2, 3});
      ByteBuffer view = m.payload();
      assertThat(view.isReadOnly()).isTrue();
      assertThatThrownBy(() -> view.put((byte) 9)).isInstanceOf(ReadOnlyBufferException.class);
      assertThatThrownBy(() -> view.put(0, (byte) 9)).isInstanceOf(ReadOnlyBufferException.class);
      assertThat(view.hasArray()).isFalse(); // no back door to the backing array either
      assertThat(m.payloadBytes()).containsExactly(1, 2, 3);
    }

    @Test
    @DisplayName("payload() of every factory is read-only")
    void everyFactoryGivesReadOnlyPayload() {
      List<Message> messages =
          List.of(
              Message.of("r"),
              Message.of("r", "text"),
              Message.of("r", new byte[] {1}),
              Message.of("r", ByteBuffer.wrap(new byte[] {1})),
              Message.of("r", new byte[] {1}, Codecs.bytes()),
              Message.create("r", ByteBuffer.wrap(new byte[] {1}), Map.of(), null, 0),
              Message.of("r", "text").withHeader("h", "v").stamped(NODE_A, 3),
              Message.of("r", "text").reply("answer"));
      for (Message m : messages) {
        assertThat(m.payload().isReadOnly()).as("%s", m).isTrue();
      }
    }

    @Test
    @DisplayName("payload() views are independent: reading one does not move another")
    void viewsAreIndependent() {
      Message m = Message.of("r", "abcdef");
      ByteBuffer first = m.payload();
      ByteBuffer second = m.payload();
      assertThat(first).isNotSameAs(second);

      first.get();
      first.get();
      assertThat(first.position()).isEqualTo(2);
      assertThat(second.position()).isZero();
      assertThat(second.remaining()).isEqualTo(6);

      // the message itself is unaffected, and later views start at the beginning again
      assertThat(m.payloadSize()).isEqualTo(6);
      assertThat(m.payloadAsString()).isEqualTo("abcdef");
      assertThat(m.payload().position()).isZero();
      assertThat(UTF_8.decode(m.payload()).toString()).isEqualTo("abcdef");
    }

    @Test
    @DisplayName("consuming a view entirely leaves the message intact")
    void consumingAViewLeavesMessageIntact() {
      Message m = Message.of("r", "abc");
      ByteBuffer view = m.payload();
      view.position(view.limit());
      view.limit(1);
      assertThat(m.payloadSize()).isEqualTo(3);
      assertThat(m.payloadAsString()).isEqualTo("abc");
    }

    @Test
    @DisplayName("payloadSize() is the number of payload bytes, not characters")
    void payloadSizeCountsBytes() {
      assertThat(Message.of("r").payloadSize()).isZero();
      assertThat(Message.of("r", "abc").payloadSize()).isEqualTo(3);
      assertThat(Message.of("r", "\u00e9").payloadSize()).isEqualTo(2);
      assertThat(Message.of("r", "\ud83d\ude00").payloadSize()).isEqualTo(4);
      assertThat(Message.of("r", new byte[1000]).payloadSize()).isEqualTo(1000);
    }

    @Test
    @DisplayName("payloadBytes() returns a fresh copy every time")
    void payloadBytesCopies() {
      Message m = Message.of("r", "abc");
      byte[] copy = m.payloadBytes();
      copy[0] = 'X';
      assertThat(m.payloadBytes()).containsExactly('a', 'b', 'c');
      assertThat(m.payloadBytes()).isNotSameAs(m.payloadBytes());
    }

    @Test
    @DisplayName("decode(codec) does not consume the payload")
    void decodeDoesNotConsume() {
      Message m = Message.of("r", "once");
      assertThat(m.decode(Codecs.utf8())).isEqualTo("once");
      assertThat(m.decode(Codecs.utf8())).isEqualTo("once");
      assertThat(m.payloadSize()).isEqualTo(4);
    }
  }

  @Nested
  @DisplayName("headers")
  class Headers {

    @Test
    @DisplayName("withHeader keeps insertion order")
    void keepsOrder() {
      Message m =
          Message.of("r").withHeader("zeta", "1").withHeader("alpha", "2").withHeader("mid", "3");
      assertThat(m.headers()).containsExactly(
          Map.entry("zeta", "1"), Map.entry("alpha", "2"), Map.entry("mid", "3"));
      assertThat(m.header("alpha")).isEqualTo("2");
      assertThat(m.header("missing")).isNull();
    }

    @Test
    @DisplayName("withHeader replaces an existing header in place")
    void replacesInPlace() {
      Message m = Message.of("r").withHeader("a", "1").withHeader("b", "2").withHeader("a", "3");
      assertThat(m.headers()).containsExactly(Map.entry("a", "3"), Map.entry("b", "2"));
    }

    @Test
    @DisplayName("withHeader leaves the original message unchanged")
    void originalUnchanged() {
      Message original = Message.of("r", "body").withHeader("a", "1");
      Message changed = original.withHeader("b", "2");
      Message replaced = original.withHeader("a", "other");

      assertThat(original.headers()).containsExactly(Map.entry("a", "1"));
      assertThat(changed.headers()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
      assertThat(replaced.headers()).containsExactly(Map.entry("a", "other"));
      assertThat(changed.route()).isEqualTo("r");
      assertThat(changed.payloadAsString()).isEqualTo("body");
    }

    @Test
    @DisplayName("withHeader keeps sender and Lamport time")
    void keepsStamp() {
      Message m = Message.of("r", "x").stamped(NODE_A, 12).withHeader("h", "v");
      assertThat(m.sender()).isEqualTo(NODE_A);
      assertThat(m.lamportTime()).isEqualTo(12);
    }

    @Test
    @DisplayName("headers() cannot be modified")
    void headersUnmodifiable() {
      assertThatThrownBy(() -> Message.of("r").headers().put("a", "b"))
          .isInstanceOf(UnsupportedOperationException.class);
      Message m = Message.of("r").withHeader("a", "1");
      assertThatThrownBy(() -> m.headers().put("b", "2"))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> m.headers().remove("a"))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> m.headers().clear()).isInstanceOf(UnsupportedOperationException.class);
      assertThat(m.headers()).containsExactly(Map.entry("a", "1"));
    }

    @Test
    @DisplayName("withHeader rejects an empty name and a null value")
    void rejectsBadHeader() {
      Message m = Message.of("r");
      assertThatIllegalArgumentException()
          .isThrownBy(() -> m.withHeader("", "v"))
          .withMessageContaining("Header name must not be empty");
      assertThatNullPointerException().isThrownBy(() -> m.withHeader("h", null)).withMessage("value");
    }

    @Test
    @DisplayName("an empty header value is allowed")
    void emptyValueAllowed() {
      assertThat(Message.of("r").withHeader("h", "").header("h")).isEmpty();
    }
  }

  @Nested
  @DisplayName("reply(...)")
  class Reply {

    private final Message request =
        Message.of("orders", "request").withHeader("trace", "t-1").stamped(NODE_A, 42);

    @Test
    @DisplayName("reply(String) keeps the route and has no sender, headers or Lamport time")
    void replyString() {
      Message reply = request.reply("answer");
      assertThat(reply.route()).isEqualTo("orders");
      assertThat(reply.payloadAsString()).isEqualTo("answer");
      assertThat(reply.sender()).isNull();
      assertThat(reply.lamportTime()).isZero();
      assertThat(reply.headers()).isEmpty();
    }

    @Test
    @DisplayName("reply(byte[]) keeps the route, copies the bytes and has no sender")
    void replyBytes() {
      byte[] bytes = {7, 8};
      Message reply = request.reply(bytes);
      bytes[0] = 0;
      assertThat(reply.route()).isEqualTo("orders");
      assertThat(reply.payloadBytes()).containsExactly(7, 8);
      assertThat(reply.sender()).isNull();
    }

    @Test
    @DisplayName("reply(ByteBuffer) keeps the route; reply(payload()) echoes the payload")
    void replyByteBuffer() {
      Message echo = request.reply(request.payload());
      assertThat(echo.route()).isEqualTo("orders");
      assertThat(echo.payloadAsString()).isEqualTo("request");
      assertThat(echo.sender()).isNull();
      assertThat(echo).isEqualTo(Message.of("orders", "request"));
    }

    @Test
    @DisplayName("reply(payload()) of an array message shares its array, so transports write it as is")
    void replyOwnPayloadSharesTheArray() {
      byte[] own = request.payloadArray();
      Message echo = request.reply(request.payload());
      assertThat(own).isNotNull();
      assertThat(echo.payloadArray()).isSameAs(own);
    }

    @Test
    @DisplayName("reply(view) of a moved, an earlier or another message's view keeps what the view shows")
    void replyOtherViewsKeepTheirBytes() {
      ByteBuffer moved = request.payload();
      moved.position(3);
      Message tail = request.reply(moved);
      assertThat(tail.payloadArray()).isNull();
      assertThat(tail.payloadAsString()).isEqualTo("uest");

      ByteBuffer earlier = request.payload();
      request.payload(); // a later view replaces the cached one
      Message fromEarlier = request.reply(earlier);
      assertThat(fromEarlier.payloadArray()).isNull();
      assertThat(fromEarlier.payloadAsString()).isEqualTo("request");

      Message other = Message.of("other", "request");
      Message fromOther = request.reply(other.payload());
      assertThat(fromOther.payloadArray()).isNull();
      assertThat(fromOther.route()).isEqualTo("orders");
      assertThat(fromOther.payloadAsString()).isEqualTo("request");
    }

    @Test
    @DisplayName("reply(value, codec) keeps the route and encodes with the codec")
    void replyCodec() {
      Message reply = request.reply("coded", Codecs.utf8());
      assertThat(reply.route()).isEqualTo("orders");
      assertThat(reply.decode(Codecs.utf8())).isEqualTo("coded");
      assertThat(reply.sender()).isNull();
    }

    @Test
    @DisplayName("replying leaves the request unchanged")
    void requestUnchanged() {
      request.reply("answer");
      assertThat(request.payloadAsString()).isEqualTo("request");
      assertThat(request.sender()).isEqualTo(NODE_A);
      assertThat(request.lamportTime()).isEqualTo(42);
      assertThat(request.headers()).containsExactly(Map.entry("trace", "t-1"));
    }
  }

  @Nested
  @DisplayName("stamped(...)")
  class Stamped {

    @Test
    @DisplayName("sets sender and Lamport time, keeping route, payload and headers")
    void setsSenderAndTime() {
      Message original = Message.of("r", "body").withHeader("h", "v");
      Message stamped = original.stamped(NODE_A, 99);
      assertThat(stamped.sender()).isEqualTo(NODE_A);
      assertThat(stamped.lamportTime()).isEqualTo(99);
      assertThat(stamped.route()).isEqualTo("r");
      assertThat(stamped.payloadAsString()).isEqualTo("body");
      assertThat(stamped.headers()).containsExactly(Map.entry("h", "v"));
    }

    @Test
    @DisplayName("leaves the original unchanged")
    void originalUnchanged() {
      Message original = Message.of("r", "body");
      original.stamped(NODE_A, 99);
      assertThat(original.sender()).isNull();
      assertThat(original.lamportTime()).isZero();
    }

    @Test
    @DisplayName("restamps, and can clear the sender")
    void restamps() {
      Message once = Message.of("r", "body").stamped(NODE_A, 1);
      Message twice = once.stamped(NODE_B, 2);
      assertThat(twice.sender()).isEqualTo(NODE_B);
      assertThat(twice.lamportTime()).isEqualTo(2);
      assertThat(once.stamped(null, 0)).isEqualTo(Message.of("r", "body"));
    }
  }

  @Nested
  @DisplayName("create(...)")
  class Create {

    @Test
    @DisplayName("sets every field")
    void setsEveryField() {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("b", "2");
      headers.put("a", "1");
      Message m = Message.create("r", utf8("body"), headers, NODE_A, 5);
      assertThat(m.route()).isEqualTo("r");
      assertThat(m.payloadAsString()).isEqualTo("body");
      assertThat(m.headers()).containsExactly(Map.entry("b", "2"), Map.entry("a", "1"));
      assertThat(m.sender()).isEqualTo(NODE_A);
      assertThat(m.lamportTime()).isEqualTo(5);
    }

    @Test
    @DisplayName("copies the headers map: changing it afterwards does not change the message")
    void copiesHeaders() {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("a", "1");
      Message m = Message.create("r", ByteBuffer.allocate(0), headers, null, 0);
      headers.put("b", "2");
      headers.put("a", "changed");
      assertThat(m.headers()).containsExactly(Map.entry("a", "1"));
    }

    @Test
    @DisplayName("hands out unmodifiable headers")
    void unmodifiableHeaders() {
      Map<String, String> headers = new LinkedHashMap<>(Map.of("a", "1"));
      Message m = Message.create("r", ByteBuffer.allocate(0), headers, null, 0);
      assertThatThrownBy(() -> m.headers().put("x", "y"))
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    @DisplayName("takes the payload between position and limit, without moving the caller's buffer")
    void payloadBetweenPositionAndLimit() {
      ByteBuffer buffer = utf8("--body--");
      buffer.position(2).limit(6);
      Message m = Message.create("r", buffer, Map.of(), null, 0);
      assertThat(m.payloadAsString()).isEqualTo("body");
      assertThat(buffer.position()).isEqualTo(2);
    }

    @Test
    @DisplayName("create(route, byte[], ...) takes the whole array, read-only, and equals the ByteBuffer form")
    void fromOwnedArray() {
      byte[] bytes = "body".getBytes(StandardCharsets.UTF_8);
      Message m = Message.create("r", bytes, Map.of("a", "1"), NODE_A, 5);
      assertThat(m.payloadAsString()).isEqualTo("body");
      assertThat(m.payload().isReadOnly()).isTrue();
      assertThat(m).isEqualTo(Message.create("r", utf8("body"), Map.of("a", "1"), NODE_A, 5));
      assertThatThrownBy(() -> Message.create("", bytes, Map.of(), null, 0))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a read-only buffer given to create or of (m.payload(), say) stays read-only and independent")
    void fromReadOnlyView() {
      Message original = Message.of("r", "--body--");
      ByteBuffer view = original.payload();
      view.position(2).limit(6);
      Message echoed = Message.create("r", view, Map.of(), null, 0);
      Message reply = original.reply(original.payload());
      view.position(0).limit(8);
      assertThat(echoed.payloadAsString()).isEqualTo("body");
      assertThat(echoed.payload().isReadOnly()).isTrue();
      assertThat(echoed.payload().position()).isZero();
      assertThat(reply.payloadAsString()).isEqualTo("--body--");
      assertThat(reply.payload().isReadOnly()).isTrue();
    }
  }

  @Nested
  @DisplayName("equals and hashCode")
  class Equality {

    private Message base() {
      return Message.create(
          "r", utf8("payload"), Map.of("h", "v"), NODE_A, 7);
    }

    @Test
    @DisplayName("messages with equal content are equal and hash alike, whichever factory made them")
    void equalContentEqual() {
      Message a = base();
      Message b = Message.of("r", "payload").withHeader("h", "v").stamped(NODE_A, 7);
      Message c =
          Message.of("r", "payload".getBytes(UTF_8)).stamped(NODE_A, 7).withHeader("h", "v");
      Message d =
          Message.create("r", utf8("xxpayload").position(2), Map.of("h", "v"), NODE_A, 7);
      for (Message other : List.of(b, c, d)) {
        assertThat(a).isEqualTo(other);
        assertThat(other).isEqualTo(a);
        assertThat(a).hasSameHashCodeAs(other);
      }
      assertThat(Message.of("r")).isEqualTo(Message.of("r", new byte[0]))
          .hasSameHashCodeAs(Message.of("r", ""));
    }

    @Test
    @DisplayName("is reflexive and rejects null and other types")
    void reflexiveAndNull() {
      Message a = base();
      assertThat(a).isEqualTo(a);
      assertThat(a.equals(null)).isFalse();
      assertThat(a.equals("payload")).isFalse();
    }

    @Test
    @DisplayName("differs when route, payload, a header, sender or Lamport time differs")
    void differentContentNotEqual() {
      Message a = base();
      Map<String, Supplier<Message>> variants = new LinkedHashMap<>();
      variants.put("route", () -> Message.create("r2", utf8("payload"), Map.of("h", "v"), NODE_A, 7));
      variants.put("payload", () -> Message.create("r", utf8("payloaD"), Map.of("h", "v"), NODE_A, 7));
      variants.put("shorter payload", () -> Message.create("r", utf8("payloa"), Map.of("h", "v"), NODE_A, 7));
      variants.put("header value", () -> Message.create("r", utf8("payload"), Map.of("h", "w"), NODE_A, 7));
      variants.put("header name", () -> Message.create("r", utf8("payload"), Map.of("g", "v"), NODE_A, 7));
      variants.put("extra header", () -> a.withHeader("i", "v"));
      variants.put("no headers", () -> Message.create("r", utf8("payload"), Map.of(), NODE_A, 7));
      variants.put("sender", () -> a.stamped(NODE_B, 7));
      variants.put("no sender", () -> a.stamped(null, 7));
      variants.put("lamport", () -> a.stamped(NODE_A, 8));
      variants.forEach(
          (what, variant) -> {
            Message b = variant.get();
            assertThat(a).as("differs in %s", what).isNotEqualTo(b);
            assertThat(b).as("differs in %s (symmetric)", what).isNotEqualTo(a);
          });
    }

    @Test
    @DisplayName("is unaffected by reading payload views")
    void unaffectedByReadingViews() {
      Message a = base();
      int hash = a.hashCode();
      ByteBuffer view = a.payload();
      view.get();
      assertThat(a).isEqualTo(base());
      assertThat(a.hashCode()).isEqualTo(hash);
    }
  }

  @Nested
  @DisplayName("toString")
  class ToString {

    @Test
    @DisplayName("names route, payload size, header names (not values), sender and Lamport time")
    void namesTheFields() {
      Message m = Message.of("orders", "abc").withHeader("trace", "t-1").stamped(NODE_A, 9);
      assertThat(m.toString())
          .contains("orders")
          .contains("3B")
          .contains("trace")
          .doesNotContain("t-1")
          .contains("node-a")
          .contains("9");
    }

    @Test
    @DisplayName("does not include the payload bytes")
    void omitsPayload() {
      String secret = "s3cr3t-p4yl0ad";
      Message m = Message.of("login", secret);
      assertThat(m.toString())
          .doesNotContain(secret)
          .doesNotContain("s3cr3t")
          .doesNotContain(java.util.Arrays.toString(secret.getBytes(UTF_8)))
          .contains(secret.length() + "B");
    }

    @Test
    @DisplayName("is short for a plain message")
    void plainMessage() {
      assertThat(Message.of("ping")).hasToString("Message{route=ping, payload=0B}");
    }
  }

  @Nested
  @DisplayName("limits")
  class Limits {

    @Test
    @DisplayName("a route of 255 UTF-8 bytes is accepted, 256 is rejected (RSocket's tag limit)")
    void routeLength() {
      assertThat(Message.of("é".repeat(127) + "x").route()).hasSize(128);
      assertThatIllegalArgumentException()
          .isThrownBy(() -> Message.of("é".repeat(128)))
          .withMessageContaining("255")
          .withMessageContaining("256");
    }

    @Test
    @DisplayName("headers beyond 16 KiB in total are rejected, by withHeader and by create")
    void headersSize() {
      Message ok = Message.of("r").withHeader("k", "v".repeat(Message.MAX_HEADERS_SIZE - 1));
      assertThat(ok.header("k")).hasSize(Message.MAX_HEADERS_SIZE - 1);
      assertThatIllegalArgumentException()
          .isThrownBy(() -> ok.withHeader("k2", "v"))
          .withMessageContaining(Integer.toString(Message.MAX_HEADERS_SIZE));
      assertThatIllegalArgumentException()
          .isThrownBy(
              () ->
                  Message.create(
                      "r",
                      java.nio.ByteBuffer.allocate(0),
                      java.util.Map.of("k", "v".repeat(Message.MAX_HEADERS_SIZE)),
                      null,
                      0));
    }
  }
}
