package io.meshwork;

import java.nio.ByteBuffer;
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
          return ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String decode(ByteBuffer bytes) {
          return StandardCharsets.UTF_8.decode(bytes).toString();
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
   * UTF-8 text.
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
