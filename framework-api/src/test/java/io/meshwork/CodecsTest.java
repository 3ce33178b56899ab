package io.meshwork;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CodecsTest {

  @Nested
  @DisplayName("utf8()")
  class Utf8 {

    @ParameterizedTest(name = "round-trips \"{0}\"")
    @ValueSource(
        strings = {
          "",
          "hello",
          "h\u00e9llo w\u00f6rld",
          "\u65e5\u672c\u8a9e",
          "\u2713 check",
          "emoji \ud83d\ude00 and \ud83c\udf0d",
          "nul\u0000inside",
          "line\nbreaks\r\n"
        })
    @DisplayName("decode(encode(text)) gives the text back")
    void roundTrip(String text) {
      Codec<String> codec = Codecs.utf8();
      ByteBuffer encoded = codec.encode(text);
      assertThat(toArray(encoded.duplicate())).isEqualTo(text.getBytes(UTF_8));
      assertThat(codec.decode(encoded)).isEqualTo(text);
    }

    @Test
    @DisplayName("encodes non-ASCII as multi-byte UTF-8")
    void encodesMultiByte() {
      assertThat(toArray(Codecs.utf8().encode("\u00e9"))).containsExactly(0xc3, 0xa9);
      assertThat(toArray(Codecs.utf8().encode("\u20ac"))).containsExactly(0xe2, 0x82, 0xac);
      assertThat(toArray(Codecs.utf8().encode("\ud83d\ude00")))
          .containsExactly(0xf0, 0x9f, 0x98, 0x80);
    }

    @Test
    @DisplayName("decodes only the bytes between position and limit")
    void decodesRemaining() {
      ByteBuffer buffer = ByteBuffer.wrap("[caf\u00e9]".getBytes(UTF_8));
      buffer.position(1).limit(buffer.limit() - 1);
      assertThat(Codecs.utf8().decode(buffer)).isEqualTo("caf\u00e9");
    }

    @Test
    @DisplayName("decodes a read-only buffer, as messages hand out")
    void decodesReadOnly() {
      ByteBuffer readOnly = ByteBuffer.wrap("\u00fcber".getBytes(UTF_8)).asReadOnlyBuffer();
      assertThat(Codecs.utf8().decode(readOnly)).isEqualTo("\u00fcber");
    }

    @Test
    @DisplayName("round-trips through a Message")
    void throughMessage() {
      String text = "Gr\u00fc\u00dfe \ud83d\udc4b";
      Message m = Message.of("greet", text, Codecs.utf8());
      assertThat(m.decode(Codecs.utf8())).isEqualTo(text);
      assertThat(m.payloadAsString()).isEqualTo(text);
    }

    @Test
    @DisplayName("is a shared stateless instance")
    void sharedInstance() {
      assertThat(Codecs.utf8()).isSameAs(Codecs.utf8());
    }
  }

  @Nested
  @DisplayName("bytes()")
  class Bytes {

    @Test
    @DisplayName("round-trips arbitrary bytes, including the empty array")
    void roundTrip() {
      byte[] all = new byte[256];
      for (int i = 0; i < all.length; i++) {
        all[i] = (byte) i;
      }
      assertThat(Codecs.bytes().decode(Codecs.bytes().encode(all))).isEqualTo(all);
      assertThat(Codecs.bytes().decode(Codecs.bytes().encode(new byte[0]))).isEmpty();
    }

    @Test
    @DisplayName("encode copies: changing the array afterwards does not change the encoding")
    void encodeCopies() {
      byte[] value = {1, 2, 3};
      ByteBuffer encoded = Codecs.bytes().encode(value);
      value[0] = 99;
      assertThat(toArray(encoded)).containsExactly(1, 2, 3);
    }

    @Test
    @DisplayName("encode copies: a Message built with it is independent of the array")
    void encodeCopiesIntoMessage() {
      byte[] value = {1, 2, 3};
      Message m = Message.of("bin", value, Codecs.bytes());
      value[1] = 99;
      assertThat(m.payloadBytes()).containsExactly(1, 2, 3);
    }

    @Test
    @DisplayName("decode copies: changing the result does not change the buffer")
    void decodeCopies() {
      byte[] backing = {1, 2, 3};
      ByteBuffer buffer = ByteBuffer.wrap(backing);
      byte[] decoded = Codecs.bytes().decode(buffer);
      assertThat(decoded).isNotSameAs(backing).containsExactly(1, 2, 3);
      decoded[0] = 99;
      assertThat(backing).containsExactly(1, 2, 3);
    }

    @Test
    @DisplayName("decode copies: a message's payload survives changes to a decoded array")
    void decodeCopiesFromMessage() {
      Message m = Message.of("bin", new byte[] {4, 5, 6});
      byte[] decoded = m.decode(Codecs.bytes());
      decoded[0] = 0;
      assertThat(m.decode(Codecs.bytes())).containsExactly(4, 5, 6);
    }

    @Test
    @DisplayName("decodes only the bytes between position and limit")
    void decodesRemaining() {
      ByteBuffer buffer = ByteBuffer.wrap(new byte[] {9, 1, 2, 9});
      buffer.position(1).limit(3);
      assertThat(Codecs.bytes().decode(buffer)).containsExactly(1, 2);
    }

    @Test
    @DisplayName("is a shared stateless instance")
    void sharedInstance() {
      assertThat(Codecs.bytes()).isSameAs(Codecs.bytes());
    }
  }

  private static byte[] toArray(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }
}
