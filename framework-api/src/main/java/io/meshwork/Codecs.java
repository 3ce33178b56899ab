package io.meshwork;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The codecs Meshwork ships: UTF-8 text and raw bytes.
 *
 * <pre>{@code
 * String text = message.decode(Codecs.utf8());
 * }</pre>
 */
public final class Codecs {

  private static final Codec<String> UTF8 =
      new Codec<>() {
        @Override
        public ByteBuffer encode(String value) {
          try {
            return StandardCharsets.UTF_8
                .newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(value));
          } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("Text is not encodable as UTF-8: " + e, e);
          }
        }

        @Override
        public String decode(ByteBuffer bytes) {
          try {
            return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(bytes)
                .toString();
          } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("Payload is not valid UTF-8: " + e, e);
          }
        }
      };

  private static final Codec<byte[]> BYTES =
      new Codec<>() {
        @Override
        public ByteBuffer encode(byte[] value) {
          return ByteBuffer.wrap(value.clone());
        }

        @Override
        public byte[] decode(ByteBuffer bytes) {
          byte[] copy = new byte[bytes.remaining()];
          bytes.get(copy);
          return copy;
        }
      };

  private Codecs() {}

  /**
   * UTF-8 text, strict: malformed input fails with {@link IllegalArgumentException} (unlike {@link
   * Message#payloadAsString()}, which replaces it).
   *
   * @return the codec
   */
  public static Codec<String> utf8() {
    return UTF8;
  }

  /**
   * Raw bytes; encoding and decoding each copy the array, so neither side can change the other's.
   *
   * @return the codec
   */
  public static Codec<byte[]> bytes() {
    return BYTES;
  }
}
